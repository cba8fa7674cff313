package dev.weft.core.cluster;

import dev.weft.core.config.ClusterConfig;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/** Picks one host of a cluster per request. Implementations are lock-free and allocation-free. */
public interface LoadBalancer {

    /** One of {@code hosts} (non-empty). */
    Host pick(List<Host> hosts);

    static LoadBalancer of(ClusterConfig.LbPolicy policy) {
        return switch (policy) {
            case ROUND_ROBIN -> new RoundRobin();
            case RANDOM -> hosts -> hosts.get(ThreadLocalRandom.current().nextInt(hosts.size()));
            case LEAST_REQUEST -> new LeastRequest();
        };
    }

    /** Each host in turn. */
    final class RoundRobin implements LoadBalancer {
        private final AtomicInteger next = new AtomicInteger();

        @Override
        public Host pick(List<Host> hosts) {
            return hosts.get(Math.floorMod(next.getAndIncrement(), hosts.size()));
        }
    }

    /**
     * Power of two choices: of two distinct random hosts, the one with fewer requests in flight (Envoy's default
     * choice_count of 2). Near-best balance without scanning every host or sharing a heap between threads.
     */
    final class LeastRequest implements LoadBalancer {
        @Override
        public Host pick(List<Host> hosts) {
            int n = hosts.size();
            if (n == 1) {
                return hosts.get(0);
            }
            ThreadLocalRandom r = ThreadLocalRandom.current();
            int a = r.nextInt(n);
            int b = r.nextInt(n - 1);
            if (b >= a) {
                b++;
            }
            Host ha = hosts.get(a);
            Host hb = hosts.get(b);
            return hb.activeRequests() < ha.activeRequests() ? hb : ha;
        }
    }
}
