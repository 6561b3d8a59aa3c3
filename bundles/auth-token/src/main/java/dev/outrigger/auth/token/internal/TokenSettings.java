package dev.outrigger.auth.token.internal;

/**
 * The configuration values, blank meaning unset, so the provider is built the same way from DS and from tests.
 *
 * @param secretKey {@code tokenSecretKey}: a secret, never printed
 */
record TokenSettings(String secretKey, String publicKey, String publicAlg, String authClaim, String audienceClaim,
        String audience) {

    static TokenSettings of(TokenAuthenticationConfiguration config) {
        return new TokenSettings(config._tokenSecretKey(), config.tokenPublicKey(), config.tokenPublicAlg(),
                config.tokenAuthClaim(), config.tokenAudienceClaim(), config.tokenAudience());
    }

    @Override
    public String toString() {
        // the record's own toString would print the secret
        return "TokenSettings[tokenSecretKey=" + (isSet(secretKey) ? "(set)" : "(unset)") + ", tokenPublicKey="
                + publicKey + ", tokenPublicAlg=" + publicAlg + ", tokenAuthClaim=" + authClaim
                + ", tokenAudienceClaim=" + audienceClaim + ", tokenAudience=" + audience + "]";
    }

    static boolean isSet(String value) {
        return value != null && !value.isBlank();
    }
}
