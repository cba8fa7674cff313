package dev.weft.core.filter;

import dev.weft.core.config.YamlMap;
import dev.weft.core.proxy.ResponseFlag;
import java.util.List;

/**
 * A filter type that exists only in the tests and is found the way a third party's would be, through
 * {@code META-INF/services}: it appends its name to {@code x-chain} (so the order of the chain shows upstream), stamps
 * {@code x-stamp} with its listener or per-route value, removes {@code x-secret}, adds {@code x-from-<name>} to the
 * response, denies paths under {@code deny_prefix} and throws on {@code x-explode}.
 */
public final class StampFilterFactory implements HttpFilterFactory {

    record Config(String stamp, String denyPrefix, int denyStatus) {
    }

    record PerRoute(String stamp) {
    }

    @Override
    public String type() {
        return "test_stamp";
    }

    @Override
    public String[] fields() {
        return new String[] {"stamp", "deny_prefix", "deny_status"};
    }

    @Override
    public Object parse(YamlMap config, FilterBindContext context) {
        String stamp = config.string("stamp", "listener");
        String deny = config.string("deny_prefix", null);
        if (deny != null && !deny.startsWith("/")) {
            config.problem("deny_prefix", "must start with '/'");
        }
        return new Config(stamp, deny, config.integer("deny_status", 403, 200, 599));
    }

    @Override
    public String[] perRouteFields() {
        return new String[] {"stamp"};
    }

    @Override
    public Object parsePerRoute(YamlMap config, Object listenerConfig, FilterBindContext context) {
        return new PerRoute(config.requiredString("stamp"));
    }

    @Override
    public HttpFilter create(Object config, FilterContext context) {
        Config c = (Config) config;
        var seen = context.counter("test_stamp.seen", "Requests the test filter saw.");
        return (request, routeConfig) -> {
            seen.increment();
            String name = c.stamp();
            String chain = request.header("x-chain");
            request.setRequestHeader("x-chain", chain == null ? name : chain + "," + name);
            request.setRequestHeader("x-stamp", routeConfig instanceof PerRoute p ? p.stamp() : c.stamp());
            request.removeRequestHeader("x-secret");
            request.addResponseHeader("x-from-" + name, "1");
            request.metadata("test_stamp", name, request.remoteIp());
            if (request.header("x-explode") != null) {
                throw new IllegalStateException("asked to fail");
            }
            if (c.denyPrefix() != null && request.path().startsWith(c.denyPrefix())) {
                request.decision("stamp:" + name + " deny");
                return new LocalReply(c.denyStatus(), "denied by " + name + "\n", null,
                        List.<String[]>of(new String[] {"x-denied-by", name}), ResponseFlag.NONE, "test_stamp_denied");
            }
            return null;
        };
    }
}
