package dev.weft.core.e2e;

import dev.weft.core.config.YamlMap;
import dev.weft.core.filter.FilterBindContext;
import dev.weft.core.filter.FilterContext;
import dev.weft.core.filter.HttpFilter;
import dev.weft.core.filter.HttpFilterFactory;
import dev.weft.core.filter.VerifiedJwt;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Test filter type {@code test_claims}, standing in for {@code jwt_authn} (which this module does not have yet): it
 * hands later filters a {@link VerifiedJwt} made from the {@code x-test-sub} and {@code x-test-roles} request
 * headers, exactly the way jwt_authn hands over a verified token, so RBAC's {@code jwt_claim} principal can be
 * exercised over real connections. Registered for tests only (src/test/resources/META-INF/services).
 */
public final class TestClaimsFilterFactory implements HttpFilterFactory {
    static final String ISSUER = "https://issuer.test";

    @Override
    public String type() {
        return "test_claims";
    }

    @Override
    public String[] fields() {
        return new String[0];
    }

    @Override
    public Object parse(YamlMap config, FilterBindContext context) {
        return Boolean.TRUE;
    }

    @Override
    public HttpFilter create(Object config, FilterContext context) {
        return (request, routeConfig) -> {
            String subject = request.header("x-test-sub");
            if (subject != null) {
                String roles = request.header("x-test-roles");
                List<String> list = roles == null ? List.of() : Arrays.asList(roles.split(","));
                request.attribute(VerifiedJwt.ATTRIBUTE, List.of(new VerifiedJwt("test", ISSUER, subject,
                        Map.of("iss", ISSUER, "sub", subject, "roles", list))));
            }
            return null;
        };
    }
}
