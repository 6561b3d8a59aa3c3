package dev.outrigger.rest.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.glassfish.jersey.uri.UriComponent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mockito.ArgumentCaptor;

/** Issue 11 finding 7: names outside Pulsar's NamedEntity rule are a 400 before anything else sees them. */
class NameFilterTest {

    private ContainerRequestContext request(String rawPath) {
        ContainerRequestContext request = mock(ContainerRequestContext.class);
        UriInfo uri = mock(UriInfo.class);
        when(request.getUriInfo()).thenReturn(uri);
        when(uri.getPathSegments(true)).thenReturn(UriComponent.decodePath(rawPath, true));
        return request;
    }

    // issue 11 finding 7
    @ParameterizedTest
    @ValueSource(strings = {
        "admin/v3/functions/public/default/a%20b", "admin/v3/functions/public/default/a%25b",
        "admin/v3/functions/public/default/a%3Fb/status", "admin/v3/functions/public/default/a%23b",
        "admin/v3/functions/public/default/a%2Fb/0/status", "admin/v3/functions/pub%20lic/default",
        "/admin/v3/functions/public/d%C3%A9faut/f"})
    void aNameOutsideTheRuleIs400(String path) {
        ContainerRequestContext request = request(path);
        new NameFilter().filter(request);
        ArgumentCaptor<Response> answer = ArgumentCaptor.forClass(Response.class);
        verify(request).abortWith(answer.capture());
        assertEquals(400, answer.getValue().getStatus());
        assertEquals(true, ((ErrorBody) answer.getValue().getEntity()).reason().startsWith("Invalid named entity: "));
    }

    @Test
    void theMessageIsPulsars() {
        ContainerRequestContext request = request("admin/v3/functions/public/default/a%20b");
        new NameFilter().filter(request);
        ArgumentCaptor<Response> answer = ArgumentCaptor.forClass(Response.class);
        verify(request).abortWith(answer.capture());
        assertEquals(new ErrorBody("Invalid named entity: a b"), answer.getValue().getEntity());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "admin/v3/functions/public/default/my-fn_1.x=y:z/0/status", "admin/v3/functions/upload",
        "admin/v3/functions/download", "admin/v3/functions/public/default/f/state/any%20key",
        "admin/v2/worker/cluster", "metrics", "admin/v3/functions/public/default/"})
    void otherPathsPass(String path) {
        ContainerRequestContext request = request(path);
        new NameFilter().filter(request);
        verify(request, never()).abortWith(any());
    }
}
