package dev.outrigger.devcluster;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/** The broker's (and its bookie's) {@code standalone.conf} for a {@link LocalPulsarCluster}. */
final class StandaloneConf {

    private static final String LOOPBACK = "127.0.0.1";

    private StandaloneConf() {}

    static String standalone(int zkPort, int brokerPort, int webPort) {
        return standalone(zkPort, brokerPort, webPort, null, null);
    }

    /**
     * @param secretKey   the token secret key file, or null for a cluster without security
     * @param adminToken  the {@value LocalPulsarCluster#ADMIN_ROLE} token the broker's own clients authenticate with
     *                    (standalone creates the cluster, tenant and namespace through its admin client), or null
     *                    without security
     */
    static String standalone(int zkPort, int brokerPort, int webPort, Path secretKey, String adminToken) {
        String zk = "zk:" + LOOPBACK + ":" + zkPort;
        List<String> lines = new ArrayList<>(List.of(
                "clusterName=" + LocalPulsarCluster.CLUSTER_NAME,
                "metadataStoreUrl=" + zk,
                "configurationMetadataStoreUrl=" + zk,
                "advertisedAddress=" + LOOPBACK,
                "bindAddress=" + LOOPBACK,
                "brokerServicePort=" + brokerPort,
                "webServicePort=" + webPort,
                "functionsWorkerEnabled=false",
                "managedLedgerDefaultEnsembleSize=1",
                "managedLedgerDefaultWriteQuorum=1",
                "managedLedgerDefaultAckQuorum=1",
                "managedLedgerCacheSizeMB=64",
                "transactionCoordinatorEnabled=false",
                "allowAutoTopicCreationType=non-partitioned",
                // Package management (function://, sink://, source:// packages), with Pulsar's default storage:
                // DistributedLog on this cluster's bookie and ZooKeeper.
                "enablePackagesManagement=true",
                "packagesManagementStorageProvider="
                        + "org.apache.pulsar.packages.management.storage.bookkeeper.BookKeeperPackagesStorageProvider",
                "packagesReplicas=1",
                // read from the file's keys, not the broker's defaults: without it DistributedLog's metadata lacks
                // the ledgers path and the broker does not start
                "packagesManagementLedgerRootPath=/ledgers",
                // The bookie reads this same file.
                "allowLoopback=true",
                // Else BKCluster ignores --bookkeeper-port and takes a random free port for a new bookie (a kept one
                // keeps its cookie's); with it the port is ours, recorded and checked free before a restart.
                "allowEphemeralPorts=true",
                "httpServerEnabled=false",
                "journalSyncData=false",
                // Only read if ledgerStorageClass is set to DbLedgerStorage (the bookie here runs BookKeeper's default,
                // InterleavedLedgerStorage); they stop it from taking a quarter of direct memory for caches.
                "dbStorage_writeCacheMaxSizeMb=16",
                "dbStorage_readAheadCacheMaxSizeMb=16",
                "dbStorage_rocksDB_blockCacheSize=16777216"));
        if (System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")) {
            // Keeps the bookie on loopback; the interface has another name elsewhere (lo0 on macOS).
            lines.add("listeningInterface=lo");
        }
        if (secretKey != null) {
            Objects.requireNonNull(adminToken, "adminToken");
            lines.addAll(List.of(
                    "authenticationEnabled=true",
                    "authenticationProviders=" + LocalPulsarCluster.TOKEN_AUTH_PROVIDER,
                    "tokenSecretKey=" + PulsarTokens.secretKeyUrl(secretKey),
                    "authorizationEnabled=true",
                    "superUserRoles=" + LocalPulsarCluster.ADMIN_ROLE + "," + LocalPulsarCluster.WORKER_ROLE,
                    "brokerClientAuthenticationPlugin=" + LocalPulsarCluster.TOKEN_AUTH_PLUGIN,
                    "brokerClientAuthenticationParameters=token:" + adminToken));
        }
        return String.join("\n", lines) + "\n";
    }

    /** The broker's TLS listeners with a loopback certificate; empty without one. */
    static String tls(int brokerTlsPort, int webTlsPort, LoopbackCertificate certificate) {
        if (certificate == null) {
            return "";
        }
        return String.join("\n",
                "brokerServicePortTls=" + brokerTlsPort,
                "webServicePortTls=" + webTlsPort,
                "tlsCertificateFilePath=" + certificate.certificate(),
                "tlsKeyFilePath=" + certificate.key(),
                "tlsTrustCertsFilePath=" + certificate.certificate(),
                "tlsRequireTrustedClientCertOnConnect=false",
                "") ;
    }

}
