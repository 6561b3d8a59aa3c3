package dev.outrigger.rest.internal;

import dev.outrigger.api.security.AuthenticationRequest;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.container.ContainerRequestContext;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;

/** A JAX-RS request as the security SPI sees it. */
final class HttpAuthenticationRequest implements AuthenticationRequest {

    private static final String CERTIFICATES_ATTRIBUTE = "jakarta.servlet.request.X509Certificate";

    private final ContainerRequestContext request;
    private final HttpServletRequest servletRequest;

    HttpAuthenticationRequest(ContainerRequestContext request, HttpServletRequest servletRequest) {
        this.request = request;
        this.servletRequest = servletRequest;
    }

    @Override
    public Optional<String> header(String name) {
        return Optional.ofNullable(request.getHeaderString(name));
    }

    @Override
    public List<X509Certificate> clientCertificates() {
        Object certificates = servletRequest == null ? null : servletRequest.getAttribute(CERTIFICATES_ATTRIBUTE);
        return certificates instanceof X509Certificate[] chain ? List.of(chain) : List.of();
    }

    @Override
    public String remoteAddress() {
        return servletRequest == null ? "unknown" : servletRequest.getRemoteAddr() + ":" + servletRequest.getRemotePort();
    }
}
