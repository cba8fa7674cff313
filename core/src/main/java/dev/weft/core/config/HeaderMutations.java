package dev.weft.core.config;

import java.util.List;

/**
 * Header changes on the way up (request) and down (response). Removal runs before additions.
 *
 * @param requestToAdd     added to the request sent upstream
 * @param requestToRemove  names (lower case) removed from the request sent upstream
 * @param responseToAdd    added to the response sent downstream
 * @param responseToRemove names (lower case) removed from the response sent downstream
 */
public record HeaderMutations(List<HeaderValueOption> requestToAdd, List<String> requestToRemove,
                              List<HeaderValueOption> responseToAdd, List<String> responseToRemove) {
    public static final HeaderMutations NONE = new HeaderMutations(List.of(), List.of(), List.of(), List.of());

    public HeaderMutations {
        requestToAdd = List.copyOf(requestToAdd);
        requestToRemove = List.copyOf(requestToRemove);
        responseToAdd = List.copyOf(responseToAdd);
        responseToRemove = List.copyOf(responseToRemove);
    }

    public boolean isEmpty() {
        return requestToAdd.isEmpty() && requestToRemove.isEmpty() && responseToAdd.isEmpty()
                && responseToRemove.isEmpty();
    }
}
