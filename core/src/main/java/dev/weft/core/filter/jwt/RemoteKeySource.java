package dev.weft.core.filter.jwt;

import dev.weft.admin.stats.Counter;
import dev.weft.core.filter.FilterContext;
import dev.weft.core.filter.UpstreamCall;
import dev.weft.core.filter.jwt.ProviderConfig.RemoteJwksConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * A provider's keys from a remote JWK set: the shared {@link RemoteJwks} cache, fetched through the provider's
 * cluster with {@link UpstreamCall} on the thread of the request (or background refresh) that needs it.
 */
final class RemoteKeySource implements ProviderVerifier.KeySource, RemoteJwks.Fetcher {
    private static final System.Logger LOG = System.getLogger("weft.filter.jwt_authn");
    /** Real JWK sets are a few KiB; a larger answer is not one and is not read into memory. */
    static final int MAX_JWKS_BYTES = 256 * 1024;
    private static final List<String[]> REQUEST_HEADERS = List.<String[]>of(
            new String[] {"accept", "application/json, application/jwk-set+json"});

    private final String provider;
    private final RemoteJwksConfig config;
    private final RemoteJwks set;
    private final FilterContext context;
    private final Counter success;
    private final Counter failed;

    RemoteKeySource(String provider, RemoteJwksConfig config, RemoteJwks set, FilterContext context,
                    Counter success, Counter failed) {
        this.provider = provider;
        this.config = config;
        this.set = set;
        this.context = context;
        this.success = success;
        this.failed = failed;
    }

    @Override
    public Jwks keys() {
        return set.keys(this);
    }

    @Override
    public boolean refetchForUnknownKid() {
        return set.refetchForUnknownKid(this);
    }

    /** Starts fetching now, in the background, if the set has no keys yet (the filter is being built). */
    void prefetch() {
        if (set.snapshot() == null) {
            set.refreshInBackground(this);
        }
    }

    /** Called by the shared timer every cache_duration: see {@link RemoteJwks#refreshIfExpired}. */
    void refreshIfExpired() {
        set.refreshIfExpired(this);
    }

    @Override
    public long timeoutNanos() {
        return config.timeout().toNanos();
    }

    @Override
    public long cacheDurationNanos() {
        return config.cacheDuration().toNanos();
    }

    @Override
    public Jwks fetch() {
        String why;
        try {
            UpstreamCall.Response r = UpstreamCall.call(context.cluster(config.cluster()), "GET", config.path(),
                    config.authority(), REQUEST_HEADERS, null, timeoutNanos(), MAX_JWKS_BYTES);
            if (r.status() == 200) {
                List<String> skipped = new ArrayList<>();
                Jwks keys = Jwks.parse(r.body(), skipped);
                success.increment();
                if (!skipped.isEmpty()) {
                    LOG.log(System.Logger.Level.INFO, () -> "jwt_authn provider " + provider + ": JWKS from cluster "
                            + config.cluster() + " " + config.path() + " has keys that cannot be used, skipped: "
                            + String.join("; ", skipped));
                }
                return keys;
            }
            why = "status " + r.status();
        } catch (UpstreamCall.CallException e) {
            why = e.getMessage();
        } catch (Jwks.BadJwksException e) {
            why = e.getMessage();
        }
        failed.increment();
        LOG.log(System.Logger.Level.WARNING, "jwt_authn provider " + provider + ": JWKS fetch from cluster "
                + config.cluster() + " " + config.path() + " failed: " + why
                + (set.snapshot() == null ? "; no keys yet" : "; the last good keys stay in use"));
        return null;
    }
}
