package dev.weft.core.e2e;

import dev.weft.core.config.YamlMap;
import dev.weft.core.filter.FilterBindContext;
import dev.weft.core.filter.FilterContext;
import dev.weft.core.filter.HttpFilter;
import dev.weft.core.filter.HttpFilterFactory;
import dev.weft.core.filter.VerifiedJwt;
import java.util.List;
import java.util.TreeSet;

/**
 * A test-only filter type, {@code jwt_probe}, placed after {@code jwt_authn} in a chain: it writes what it finds in
 * the {@link VerifiedJwt#ATTRIBUTE} request attribute into the header {@code x-jwt-probe}, so the upstream shows
 * what a later filter (RBAC) is handed: {@code provider|iss|sub|claim names|aud claim}, tokens separated by ";".
 */
public final class JwtProbeFilterFactory implements HttpFilterFactory {
    @Override
    public String type() {
        return "jwt_probe";
    }

    @Override
    public String[] fields() {
        return new String[0];
    }

    @Override
    public Object parse(YamlMap config, FilterBindContext context) {
        return "probe";
    }

    @Override
    public HttpFilter create(Object config, FilterContext context) {
        return (request, routeConfig) -> {
            Object v = request.attribute(VerifiedJwt.ATTRIBUTE);
            StringBuilder b = new StringBuilder();
            if (v instanceof List<?> list) {
                for (Object o : list) {
                    VerifiedJwt j = (VerifiedJwt) o;
                    if (!b.isEmpty()) {
                        b.append(';');
                    }
                    b.append(j.provider()).append('|').append(j.issuer()).append('|').append(j.subject()).append('|')
                            .append(String.join(",", new TreeSet<>(j.claims().keySet()))).append('|')
                            .append(j.claims().get("aud"));
                }
            }
            // control characters (a hostile claim) shown as '?': the probe must not be the one failing the request
            String probe = b.isEmpty() ? "none" : b.toString().replaceAll("\\p{Cntrl}", "?");
            request.setRequestHeader("x-jwt-probe", probe);
            return null;
        };
    }
}
