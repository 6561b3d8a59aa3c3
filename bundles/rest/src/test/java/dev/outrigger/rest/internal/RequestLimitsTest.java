package dev.outrigger.rest.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;

/** Issue 11 finding 7: request bodies have a limit, checked before they are read. */
class RequestLimitsTest {

    private final ContainerRequestContext request = mock(ContainerRequestContext.class);

    // issue 11 finding 7: a declared length over the limit is refused at once, the body untouched
    @Test
    void aContentLengthOverTheLimitIs413AtOnce() {
        when(request.getHeaderString("Content-Length")).thenReturn("11");
        when(request.hasEntity()).thenReturn(true);

        new RequestLimitFilter(() -> 10).filter(request);

        ArgumentCaptor<Response> answer = ArgumentCaptor.forClass(Response.class);
        verify(request).abortWith(answer.capture());
        assertEquals(413, answer.getValue().getStatus());
        assertEquals(new ErrorBody("Request body is larger than 10 bytes (httpMaxRequestSize)"),
                answer.getValue().getEntity());
        verify(request, never()).getEntityStream();
    }

    // issue 11 finding 7: a body without a length is cut off where it passes the limit
    @Test
    void aChunkedBodyIsCutOffAtTheLimit() throws Exception {
        when(request.hasEntity()).thenReturn(true);
        when(request.getEntityStream()).thenReturn(new ByteArrayInputStream(new byte[25]));

        new RequestLimitFilter(() -> 20).filter(request);

        ArgumentCaptor<InputStream> stream = ArgumentCaptor.forClass(InputStream.class);
        verify(request).setEntityStream(stream.capture());
        verify(request, never()).abortWith(any());
        InputStream limited = stream.getValue();
        assertEquals(20, limited.readNBytes(20).length, "up to the limit is read as is");
        assertThrows(RequestTooLargeException.class, limited::read);
    }

    @Test
    void withinTheLimitNothingChanges() throws Exception {
        when(request.getHeaderString("Content-Length")).thenReturn("20");
        when(request.hasEntity()).thenReturn(true);
        when(request.getEntityStream()).thenReturn(new ByteArrayInputStream(new byte[20]));

        new RequestLimitFilter(() -> 20).filter(request);

        ArgumentCaptor<InputStream> stream = ArgumentCaptor.forClass(InputStream.class);
        verify(request).setEntityStream(stream.capture());
        assertEquals(20, stream.getValue().readAllBytes().length);
    }

    // issue 11 finding 7: the multipart parser wraps the cut-off in a 400; it is answered 413 with the limit named
    @Test
    void aCutOffBodyIs413WhateverWrapsIt() {
        RequestTooLargeException tooLarge = new RequestTooLargeException("Request body is larger than 20 bytes");
        Response wrapped = new ExceptionMappers.WebApplication().toResponse(
                new BadRequestException(new RuntimeException(tooLarge)));
        assertEquals(413, wrapped.getStatus());
        assertEquals(new ErrorBody(tooLarge.getMessage()), wrapped.getEntity());
        assertEquals(413, new ExceptionMappers.Unexpected().toResponse(new IllegalStateException(tooLarge))
                .getStatus());
        assertNull(ExceptionMappers.tooLarge(new IllegalStateException("other")));
    }

    // issue 11 finding 7: Pulsar's httpMaxRequestSize when set; otherwise the package limit and 1 MiB of form fields
    @Test
    void theLimitComesFromTheWorkerKeys() {
        assertEquals(8_388_608L, RequestLimits.of(Map.of("httpMaxRequestSize", 8_388_608L)).maxRequestBytes());
        assertEquals(2_097_152L + 1_048_576L, RequestLimits.of(Map.of("httpMaxRequestSize", -1L,
                "functionPackageMaxSizeBytes", 2_097_152L)).maxRequestBytes());
        assertEquals(104_857_600L + 1_048_576L, RequestLimits.DEFAULTS.maxRequestBytes());
        assertTrue(RequestLimits.of(Map.of("functionPackageMaxSizeBytes", Long.MAX_VALUE)).maxRequestBytes() > 0);
    }
}
