package dev.outrigger.metadata.internal;

import dev.outrigger.api.cluster.ClusterService;
import dev.outrigger.api.config.ConfigurationPids;
import java.time.Duration;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.apache.pulsar.client.admin.PulsarAdmin;
import org.apache.pulsar.client.admin.PulsarAdminException;
import org.apache.pulsar.client.api.PulsarClient;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every {@code topicCompactionFrequencySec}, triggers compaction of the metadata topic if this worker leads, as
 * Pulsar's leader does.
 *
 * <p>A component apart from the store, and one that registers no service: its setting is only in the worker
 * configuration, which changes with any key of {@code functions_worker.yml} (restarting this costs nothing, restarting
 * the store would re-read the topic and restart everything that uses it) and holds every key as written, secrets
 * included, which a service would publish as its properties.
 */
@Component(
        configurationPid = {ConfigurationPids.WORKER, ConfigurationPids.CLUSTER},
        configurationPolicy = ConfigurationPolicy.REQUIRE,
        immediate = true,
        service = {})
public final class MetadataTopicCompactor {

    private static final Logger LOG = LoggerFactory.getLogger(MetadataTopicCompactor.class);

    private final String topic;
    private final ClusterService cluster;
    private final PulsarAdmin admin;
    private final ScheduledThreadPoolExecutor timer;

    /** Later PIDs win: the cluster configuration's topic (validated, defaulted) over the raw worker keys. */
    @Activate
    public MetadataTopicCompactor(
            CompactionConfiguration config, @Reference ClusterService cluster, @Reference PulsarAdmin admin) {
        this(StoreSettings.topic(config.pulsarFunctionsNamespace(), config.functionMetadataTopicName()),
                Duration.ofSeconds(config.topicCompactionFrequencySec()), cluster, admin);
    }

    MetadataTopicCompactor(String topic, Duration period, ClusterService cluster, PulsarAdmin admin) {
        this.topic = topic;
        this.cluster = cluster;
        this.admin = admin;
        this.timer = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "outrigger-metadata-compaction");
            thread.setDaemon(true);
            // The Pulsar client looks some classes up through the context loader; only its own bundle has them.
            thread.setContextClassLoader(PulsarClient.class.getClassLoader());
            return thread;
        });
        if (period.isZero() || period.isNegative()) {
            LOG.info("Compaction of {} is off (topicCompactionFrequencySec = {})", topic, period.toSeconds());
        } else {
            timer.scheduleWithFixedDelay(this::tick, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
            LOG.debug("The leader compacts {} every {} s", topic, period.toSeconds());
        }
    }

    @Deactivate
    void close() {
        timer.shutdownNow();
    }

    /** Compacts if this worker leads now. */
    void tick() {
        if (cluster.isLeader()) {
            compact();
        }
    }

    private void compact() {
        try {
            admin.topics().triggerCompaction(topic);
            LOG.debug("Triggered compaction of {}", topic);
        } catch (PulsarAdminException.ConflictException e) {
            LOG.debug("Compaction of {} is already running", topic);
        } catch (PulsarAdminException | RuntimeException e) {
            LOG.warn("Triggering compaction of {} failed: {}", topic, e.getMessage());
        }
    }
}
