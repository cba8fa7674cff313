package dev.weft.core.filter.ratelimit;

import dev.weft.core.config.YamlMap;
import dev.weft.core.filter.FilterBindContext;
import dev.weft.core.filter.FilterContext;
import dev.weft.core.filter.HttpFilter;
import dev.weft.core.filter.HttpFilterFactory;
import dev.weft.core.filter.HttpTokens;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Reads and validates the {@code local_rate_limit} filter (Envoy's {@code envoy.filters.http.local_ratelimit}) and
 * its per-route overrides; builds {@link LocalRateLimitFilter}.
 */
public final class LocalRateLimitFactory implements HttpFilterFactory {
    public static final String TYPE = "local_rate_limit";
    static final int DEFAULT_MAX_BUCKETS = 10_000;
    /** A million keys of at most 128 characters is some 300 MB: beyond that a local table is the wrong tool. */
    static final int MAX_MAX_BUCKETS = 1_000_000;

    private static final String[] FIELDS = {"stat_prefix", "token_bucket", "descriptor", "max_buckets",
        "enable_x_ratelimit_headers", "filter_enabled", "filter_enforced"};
    private static final String[] ROUTE_FIELDS = {"token_bucket", "descriptor", "max_buckets", "filter_enabled",
        "filter_enforced"};
    private static final String[] BUCKET_FIELDS = {"max_tokens", "tokens_per_fill", "fill_interval"};
    private static final String[] DESCRIPTOR_FIELDS = {"header", "remote_address", "peer_identity"};
    private static final Pattern STAT_PREFIX = Pattern.compile("[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*");

    /** Envoy's {@code XRateLimitHeadersRFCVersion}. */
    enum XRateLimitHeaders {
        OFF,
        DRAFT_VERSION_03
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public String[] fields() {
        return FIELDS.clone();
    }

    @Override
    public String[] perRouteFields() {
        return ROUTE_FIELDS.clone();
    }

    @Override
    public Object parse(YamlMap m, FilterBindContext context) {
        String statPrefix = m.string("stat_prefix", null);
        if (statPrefix != null && !STAT_PREFIX.matcher(statPrefix).matches()) {
            m.problem("stat_prefix", "must be dot-separated parts of [A-Za-z0-9_-]");
        }
        XRateLimitHeaders headers = m.oneOf("enable_x_ratelimit_headers", XRateLimitHeaders.class,
                XRateLimitHeaders.OFF);
        BucketSpec bucket = m.has("token_bucket") ? bucket(m.map("token_bucket", BUCKET_FIELDS)) : null;
        Descriptor descriptor = m.has("descriptor") ? descriptor(m.map("descriptor", DESCRIPTOR_FIELDS)) : null;
        int maxBuckets = maxBuckets(m, descriptor, DEFAULT_MAX_BUCKETS);
        int enabled = m.integer("filter_enabled", 100, 0, 100);
        int enforced = m.integer("filter_enforced", 100, 0, 100);
        LimitPolicy policy = new LimitPolicy(bucket, descriptor, maxBuckets, enabled, enforced, "listener");
        return new LocalRateLimitConfig(statPrefix, policy, headers == XRateLimitHeaders.DRAFT_VERSION_03);
    }

    /**
     * A route's or virtual host's own limit: it must give a {@code token_bucket} (as Envoy's per-route config must);
     * the descriptor, {@code max_buckets} and percentages it leaves out are the filter's.
     */
    @Override
    public Object parsePerRoute(YamlMap m, Object listenerConfig, FilterBindContext context) {
        LimitPolicy base = listenerConfig instanceof LocalRateLimitConfig c ? c.policy() : null;
        BucketSpec bucket = m.require("token_bucket") ? bucket(m.map("token_bucket", BUCKET_FIELDS)) : null;
        Descriptor descriptor = m.has("descriptor") ? descriptor(m.map("descriptor", DESCRIPTOR_FIELDS))
                : base == null ? null : base.descriptor();
        int maxBuckets = maxBuckets(m, descriptor, base == null ? DEFAULT_MAX_BUCKETS : base.maxBuckets());
        int enabled = m.integer("filter_enabled", base == null ? 100 : base.enabledPercent(), 0, 100);
        int enforced = m.integer("filter_enforced", base == null ? 100 : base.enforcedPercent(), 0, 100);
        return new LimitPolicy(bucket, descriptor, maxBuckets, enabled, enforced, m.path());
    }

    @Override
    public HttpFilter create(Object config, FilterContext context) {
        return new LocalRateLimitFilter((LocalRateLimitConfig) config, context, System::nanoTime);
    }

    private static BucketSpec bucket(YamlMap b) {
        if (b == null) {
            return null;
        }
        Integer maxTokens = b.requiredInteger("max_tokens", 1, (int) BucketSpec.MAX_TOKENS);
        int perFill = b.integer("tokens_per_fill", 1, 1, (int) BucketSpec.MAX_TOKENS);
        Duration interval = b.require("fill_interval") ? b.duration("fill_interval", null) : null;
        if (interval != null && interval.toNanos() < BucketSpec.MIN_FILL_INTERVAL_NANOS) {
            b.problem("fill_interval", "must be at least 50ms (Envoy's minimum)");
            interval = null;
        } else if (interval != null && interval.toNanos() > BucketSpec.MAX_FILL_INTERVAL_NANOS) {
            b.problem("fill_interval", "must be at most 24h (a local bucket starts full again on every reload)");
            interval = null;
        }
        return maxTokens == null || interval == null ? null : new BucketSpec(maxTokens, perFill, interval.toNanos());
    }

    private static Descriptor descriptor(YamlMap d) {
        if (d == null) {
            return null;
        }
        if (d.keys().size() != 1) {
            d.problem("exactly one of header, remote_address, peer_identity is required");
            return null;
        }
        if (d.has("header")) {
            String name = d.string("header", null);
            if (name == null) {
                return null;
            }
            if (!HttpTokens.isToken(name)) {
                d.problem("header", "must be a header name (an RFC 9110 token)");
                return null;
            }
            return new Descriptor(Descriptor.Kind.HEADER, name.toLowerCase(Locale.ROOT));
        }
        String field = d.has("remote_address") ? "remote_address" : "peer_identity";
        if (!d.bool(field, false)) {
            d.problem(field, "must be true (leave the descriptor out for one bucket for all)");
            return null;
        }
        return new Descriptor(field.equals("remote_address") ? Descriptor.Kind.REMOTE_ADDRESS
                : Descriptor.Kind.PEER_IDENTITY, null);
    }

    private static int maxBuckets(YamlMap m, Descriptor descriptor, int inherited) {
        if (!m.has("max_buckets")) {
            return inherited;
        }
        int n = m.integer("max_buckets", inherited, 1, MAX_MAX_BUCKETS);
        if (descriptor == null && !m.has("descriptor")) {
            m.problem("max_buckets", "bounds the per-key buckets of a descriptor, and there is none");
        }
        return n;
    }
}
