package dev.weft.core.filter.jwt;

import dev.weft.admin.stats.Counter;
import dev.weft.core.config.YamlMap;
import dev.weft.core.filter.FilterBindContext;
import dev.weft.core.filter.FilterContext;
import dev.weft.core.filter.HttpFilter;
import dev.weft.core.filter.HttpFilterFactory;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * The {@code jwt_authn} filter type: JWT bearer-token authentication in the spirit of Envoy's
 * {@code envoy.filters.http.jwt_authn} (providers with local or remote JWK sets, requirements per route, claims to
 * headers). Registered through {@link java.util.ServiceLoader}.
 */
public final class JwtAuthnFilterFactory implements HttpFilterFactory {
    private static final LongSupplier WALL_CLOCK_SECONDS = () -> System.currentTimeMillis() / 1000;

    @Override
    public String type() {
        return "jwt_authn";
    }

    @Override
    public String[] fields() {
        return JwtConfigParser.FIELDS.clone();
    }

    @Override
    public Object parse(YamlMap config, FilterBindContext context) {
        return JwtConfigParser.parse(config, context);
    }

    @Override
    public String[] perRouteFields() {
        return JwtConfigParser.PER_ROUTE_FIELDS.clone();
    }

    @Override
    public Object parsePerRoute(YamlMap config, Object listenerConfig, FilterBindContext context) {
        return JwtConfigParser.parsePerRoute(config, listenerConfig);
    }

    @Override
    public HttpFilter create(Object config, FilterContext context) {
        return create((JwtAuthnConfig) config, context, WALL_CLOCK_SECONDS);
    }

    /** Test seam (package-private): the clock that {@code exp} and {@code nbf} are checked against, in seconds. */
    static JwtAuthnFilter create(JwtAuthnConfig config, FilterContext context, LongSupplier nowSeconds) {
        ProviderVerifier.FilterCounters counters = new ProviderVerifier.FilterCounters(
                JwtStat.JWT_CACHE_HIT.counter(context), JwtStat.JWT_CACHE_MISS.counter(context));
        Counter fetchSuccess = JwtStat.JWKS_FETCH_SUCCESS.counter(context);
        Counter fetchFailed = JwtStat.JWKS_FETCH_FAILED.counter(context);
        List<ProviderConfig> list = config.providers();
        ProviderVerifier[] providers = new ProviderVerifier[list.size()];
        for (int i = 0; i < providers.length; i++) {
            ProviderConfig p = list.get(i);
            ProviderVerifier.KeySource keys;
            if (p.localJwks() != null) {
                Jwks local = p.localJwks();
                keys = new ProviderVerifier.KeySource() {
                    @Override
                    public Jwks keys() {
                        return local;
                    }

                    @Override
                    public boolean refetchForUnknownKid() {
                        return false;
                    }
                };
            } else {
                RemoteJwks set = context.shared(RemoteJwks.Registry.class, RemoteJwks.Registry::new)
                        .get(p.remote().cacheKey());
                RemoteKeySource remote = new RemoteKeySource(p.name(), p.remote(), set, context, fetchSuccess,
                        fetchFailed);
                remote.prefetch();
                long period = Math.max(1000, p.remote().cacheDuration().toMillis());
                context.deadlines().every(period, remote::refreshIfExpired); // refreshed without traffic too
                keys = remote;
            }
            providers[i] = new ProviderVerifier(p, keys, counters, JwtStat.PROVIDER_ALLOWED.counter(context, p.name()),
                    JwtStat.PROVIDER_DENIED.counter(context, p.name()), nowSeconds);
        }
        return new JwtAuthnFilter(providers, config.requirement(), JwtStat.ALLOWED.counter(context),
                JwtStat.DENIED.counter(context), JwtStat.CLAIM_TO_HEADER_INVALID.counter(context));
    }
}
