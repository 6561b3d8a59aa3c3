package dev.outrigger.rest.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.jakarta.rs.json.JacksonJsonProvider;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.glassfish.jersey.media.multipart.FormDataParam;
import org.glassfish.jersey.media.multipart.MultiPartFeature;
import org.glassfish.jersey.server.ApplicationHandler;
import org.glassfish.jersey.server.ContainerRequest;
import org.glassfish.jersey.server.ContainerResponse;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.server.ServerProperties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 11's REST fuzz test (RestFuzzIT) found requests whose {@code Content-Type} Jersey cannot parse answered with
 * Jetty's HTML 400 (an empty 400 for PUT), and {@code Content-Type: *}{@code /*} on a multipart endpoint answered 500.
 * Run through a real Jersey application, in memory, set up as {@link JerseyApplication} sets it up.
 */
class ContentTypeFilterTest {

    /** A multipart endpoint like the functions API's register and update. */
    @Path("/f")
    @Produces(MediaType.APPLICATION_JSON)
    public static final class Multipart {
        @POST
        @Consumes(MediaType.MULTIPART_FORM_DATA)
        public String post(@FormDataParam("functionConfig") String config) {
            return "\"ok\"";
        }

        @PUT
        @Consumes(MediaType.MULTIPART_FORM_DATA)
        public String put(@FormDataParam("functionConfig") String config) {
            return "\"ok\"";
        }

        @GET
        public String get() {
            return "\"ok\"";
        }
    }

    private static ApplicationHandler application(boolean withContentTypeFilter, boolean withErrorBodyFilter) {
        ResourceConfig config = new ResourceConfig()
                .property(ServerProperties.WADL_FEATURE_DISABLE, true)
                .register(new JacksonJsonProvider(JerseyApplication.MAPPER))
                .register(MultiPartFeature.class)
                .register(ExceptionMappers.ErrorResponses.class)
                .register(ExceptionMappers.MalformedJson.class)
                .register(ExceptionMappers.WebApplication.class)
                .register(ExceptionMappers.UnsupportedCharset.class)
                .register(ExceptionMappers.IllegalCharsetName.class)
                .register(ExceptionMappers.Unexpected.class)
                .register(Multipart.class);
        if (withContentTypeFilter) {
            config.register(new ContentTypeFilter());
        }
        if (withErrorBodyFilter) {
            config.register(new ErrorBodyFilter());
        }
        return new ApplicationHandler(config);
    }

    private static ContainerResponse send(ApplicationHandler application, String method, String header, String value)
            throws Exception {
        return send(application, method, header, value, "");
    }

    private static ContainerResponse send(ApplicationHandler application, String method, String header, String value,
            String partHeaders) throws Exception {
        ContainerRequest request = new ContainerRequest(URI.create("http://localhost/"),
                URI.create("http://localhost/f"), method, null,
                new org.glassfish.jersey.internal.MapPropertiesDelegate(), null);
        request.header(header, value);
        request.setEntityStream(new ByteArrayInputStream(("--ab\r\nContent-Disposition: form-data; "
                + "name=\"functionConfig\"\r\n" + partHeaders + "\r\n{}\r\n--ab--\r\n").getBytes(StandardCharsets.UTF_8)));
        return application.apply(request).get();
    }

    private static String reason(ContainerResponse response) {
        ErrorBody body = assertInstanceOf(ErrorBody.class, response.getEntity(), "entity of " + response.getStatus());
        assertFalse(body.reason() == null || body.reason().isBlank());
        return body.reason();
    }

    // issue 11 (RestFuzzIT): an unparsable Content-Type is a 400 with a reason, not the container's bare 400
    @ParameterizedTest
    @ValueSource(strings = {"multipart/form-data; boundary=", "multipart/form-data; boundary=a b", "///", "a b",
        "text/plain; x", "multipart/form-data; boundary=a;b="})
    void anUnparsableContentTypeIs400WithAReason(String contentType) throws Exception {
        // the defect as it was: Jersey's own 400, without an entity for the container to write
        ContainerResponse before = send(application(false, false), "PUT", "Content-Type", contentType);
        assertEquals(400, before.getStatus());
        assertFalse(before.hasEntity());

        for (String method : new String[] {"POST", "PUT", "GET"}) {
            ContainerResponse response = send(application(true, true), method, "Content-Type", contentType);
            assertEquals(400, response.getStatus(), method);
            assertTrue(reason(response).startsWith("Invalid Content-Type header: "), reason(response));
        }
    }

    // issue 11 (RestFuzzIT): a wildcard Content-Type matched the multipart endpoints and failed their reader, a 500
    @ParameterizedTest
    @ValueSource(strings = {"*/*", "multipart/*", "*/form-data; boundary=ab"})
    void aWildcardContentTypeIs415(String contentType) throws Exception {
        ContainerResponse response = send(application(true, true), "POST", "Content-Type", contentType);
        assertEquals(415, response.getStatus());
        assertTrue(reason(response).contains("wildcard"), reason(response));
    }

    @Test
    void anUnparsableAcceptIs400WithAReason() throws Exception {
        ContainerResponse response = send(application(true, true), "GET", "Accept", "///");
        assertEquals(400, response.getStatus());
        assertTrue(reason(response).startsWith("Invalid Accept header: "), reason(response));
    }

    @Test
    void aWellFormedRequestPassesUntouched() throws Exception {
        ContainerResponse response = send(application(true, true), "POST", "Content-Type",
                "multipart/form-data; boundary=ab");
        assertEquals(200, response.getStatus());
        assertEquals("\"ok\"", response.getEntity());
    }

    // the net: whatever else Jersey answers without an entity still gets a reason
    @Test
    void anErrorWithoutAnEntityGetsAReason() throws Exception {
        ContainerResponse response = send(application(false, true), "PUT", "Content-Type",
                "multipart/form-data; boundary=");
        assertEquals(400, response.getStatus());
        assertEquals("Bad Request", reason(response));
        assertEquals(MediaType.APPLICATION_JSON_TYPE, response.getMediaType());
    }

    // issue 11 (RestFuzzIT): the servlet checks Content-Type before Jersey, which answers one it cannot parse bare
    @Test
    void theServletAnswersAnUnparsableContentTypeWithAReason() throws Exception {
        jakarta.servlet.ServletConfig servletConfig = org.mockito.Mockito.mock(jakarta.servlet.ServletConfig.class);
        jakarta.servlet.ServletContext context = org.mockito.Mockito.mock(jakarta.servlet.ServletContext.class);
        org.mockito.Mockito.when(servletConfig.getServletContext()).thenReturn(context);
        org.mockito.Mockito.when(servletConfig.getInitParameterNames())
                .thenReturn(java.util.Collections.emptyEnumeration());
        org.mockito.Mockito.when(context.getInitParameterNames()).thenReturn(java.util.Collections.emptyEnumeration());
        java.util.concurrent.ScheduledExecutorService executor =
                java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
        SwappableServlet servlet = new SwappableServlet(executor);
        try {
            servlet.init(servletConfig);
            servlet.load(new ResourceConfig().register(Multipart.class));
            for (java.util.List<String> values : java.util.List.of(java.util.List.of("multipart/form-data; boundary="),
                    java.util.List.of("///"), java.util.List.of("text/plain", "text/plain"))) {
                jakarta.servlet.http.HttpServletRequest request =
                        org.mockito.Mockito.mock(jakarta.servlet.http.HttpServletRequest.class);
                org.mockito.Mockito.when(request.getHeaders("Content-Type"))
                        .thenReturn(java.util.Collections.enumeration(values));
                jakarta.servlet.http.HttpServletResponse response =
                        org.mockito.Mockito.mock(jakarta.servlet.http.HttpServletResponse.class);
                java.io.StringWriter body = new java.io.StringWriter();
                org.mockito.Mockito.when(response.getWriter()).thenReturn(new java.io.PrintWriter(body));
                servlet.service(request, response);
                org.mockito.Mockito.verify(response).setStatus(400);
                org.mockito.Mockito.verify(response, org.mockito.Mockito.never()).sendError(
                        org.mockito.ArgumentMatchers.anyInt(), org.mockito.ArgumentMatchers.any());
                String reason = JerseyApplication.MAPPER.readTree(body.toString()).path("reason").asText();
                assertTrue(reason.startsWith("Invalid Content-Type header: ")
                        || reason.equals("More than one Content-Type header"), values + ": " + body);
            }
        } finally {
            servlet.destroy();
            executor.shutdownNow();
        }
    }

    // issue 11 (RestFuzzIT): a part naming a charset this JVM lacks was a 500 whose reason was the charset's name
    @ParameterizedTest
    @ValueSource(strings = {"EBCDIC", "x-no-such-charset"})
    void aPartInAnUnknownCharsetIs400(String charset) throws Exception {
        ContainerResponse response = send(application(true, true), "POST", "Content-Type",
                "multipart/form-data; boundary=ab", "Content-Type: text/plain; charset=" + charset + "\r\n");
        assertEquals(400, response.getStatus());
        assertEquals("Unsupported charset in the request: " + charset, reason(response));
    }
}
