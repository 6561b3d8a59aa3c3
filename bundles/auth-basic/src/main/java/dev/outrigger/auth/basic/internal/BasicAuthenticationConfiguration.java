package dev.outrigger.auth.basic.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * Pulsar's basic authentication key, which the configuration bundle copies from {@code properties} of
 * {@code functions_worker.yml} into {@code dev.outrigger.auth.basic}. DS turns the method name's single {@code _} into
 * {@code .}: {@code _basicAuthConf()} reads the private property {@code .basicAuthConf}, never a service property.
 */
@ObjectClassDefinition(name = "Outrigger basic authentication",
        description = "Pulsar's AuthenticationProviderBasic: user names and password hashes.")
@interface BasicAuthenticationConfiguration {

    @AttributeDefinition(name = "basicAuthConf", required = false,
            description = "Lines user:hash (htpasswd's $apr1$, MD5-crypt $1$ or DES crypt): a file path, file:///path,"
                    + " data:;base64,... or base64. When blank, the system property pulsar.auth.basic.conf, as Pulsar.")
    String _basicAuthConf() default "";
}
