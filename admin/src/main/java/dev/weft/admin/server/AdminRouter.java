package dev.weft.admin.server;

import java.lang.System.Logger.Level;

/**
 * Decides, from the head alone, what happens to an admin request: a refusal (method, Host, token, allow list,
 * unknown path, wrong method, cross-site POST) or the endpoint that will answer. Refusals are decided before any
 * request body is read.
 */
final class AdminRouter {
    private static final System.Logger LOG = System.getLogger(AdminRouter.class.getName());
    static final String SUPPORTED_METHODS = "GET, HEAD, POST";

    /** The outcome for one request head: exactly one of the two is non-null. */
    record Decision(AdminResponse refusal, AdminEndpoints.Endpoint endpoint) {
        static Decision refuse(AdminResponse response) {
            return new Decision(response, null);
        }
    }

    private final AdminGuard guard;
    private final AdminEndpoints endpoints;

    AdminRouter(AdminGuard guard, AdminEndpoints endpoints) {
        this.guard = guard;
        this.endpoints = endpoints;
    }

    Decision decide(AdminRequest request) {
        String method = request.method();
        if (!method.equals("GET") && !method.equals("HEAD") && !method.equals("POST")) {
            // RFC 9110 section 15.6.2: a method the server does not implement gets 501
            return Decision.refuse(AdminResponse.text(501, "method not implemented by the admin server: " + method
                    + "\n").withHeader("allow", SUPPORTED_METHODS));
        }
        AdminResponse refusal = guard.admit(request);
        if (refusal != null) {
            return Decision.refuse(refusal);
        }
        AdminEndpoints.Endpoint endpoint = endpoints.find(request.path());
        if (endpoint == null) {
            return Decision.refuse(AdminResponse.text(404, "no admin endpoint at this path; see /\n"));
        }
        if (!endpoint.access().permits(method)) {
            // RFC 9110 section 15.5.6: a 405 lists the methods the resource supports
            return Decision.refuse(AdminResponse.text(405, endpoint.path() + " needs " + endpoint.access().allow()
                    + "\n").withHeader("allow", endpoint.access().allow()));
        }
        if (endpoint.access().crossSiteChecked()) {
            refusal = guard.checkSameOrigin(request);
            if (refusal != null) {
                return Decision.refuse(refusal);
            }
        }
        if (endpoint.access() == AdminEndpoints.Access.QUERY && !isJson(request.contentType())) {
            // RFC 9110 section 15.5.16: 415 for a content type the resource does not accept
            return Decision.refuse(AdminResponse.text(415, endpoint.path() + " takes a JSON body: send "
                    + "content-type: application/json\n").withHeader("accept-post", AdminResponse.JSON));
        }
        return new Decision(null, endpoint);
    }

    /** {@code application/json}, parameters (e.g. charset) allowed, case-insensitive (RFC 9110 section 8.3.1). */
    static boolean isJson(String contentType) {
        if (contentType == null) {
            return false;
        }
        int semicolon = contentType.indexOf(';');
        String type = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).strip();
        return type.equalsIgnoreCase(AdminResponse.JSON);
    }

    /** Runs the endpoint; a failing handler becomes a 500 and the connection stays usable. */
    AdminResponse handle(AdminEndpoints.Endpoint endpoint, AdminRequest request) {
        try {
            return endpoint.handler().apply(request);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "admin endpoint " + endpoint.path() + " failed", e);
            return AdminResponse.text(500, "internal error in " + endpoint.path() + ": " + e + "\n");
        }
    }
}
