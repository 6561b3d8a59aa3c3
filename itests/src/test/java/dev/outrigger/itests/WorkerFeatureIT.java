package dev.outrigger.itests;

import static org.awaitility.Awaitility.await;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.bundle;
import static org.ops4j.pax.exam.CoreOptions.cleanCaches;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;
import static org.ops4j.pax.exam.CoreOptions.frameworkStartLevel;
import static org.ops4j.pax.exam.CoreOptions.junitBundles;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;
import static org.ops4j.pax.exam.CoreOptions.workingDirectory;

import dev.outrigger.api.cluster.ClusterService;
import dev.outrigger.api.config.ConfigurationPids;
import dev.outrigger.api.lifecycle.Lifecycle;
import dev.outrigger.devcluster.LocalPulsarCluster;
import dev.outrigger.devcluster.SharedPulsarCluster;
import dev.outrigger.devcluster.WorkerConfig;
import dev.outrigger.launcher.FeatureBundle;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import javax.inject.Inject;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.ops4j.pax.exam.util.Filter;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.osgi.service.condition.Condition;

/**
 * The aggregate feature, provisioned from the distribution's features.xml into Felix and configured against the
 * shared real Pulsar cluster: every bundle active, every DS component satisfied, the admin API answering.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class WorkerFeatureIT {

    private static final String ADMIN_URL_PROPERTY = "outrigger.itest.adminUrl";

    @Inject
    private BundleContext context;

    @Inject
    @Filter(value = "(osgi.condition.id=" + ClusterService.INITIALIZED_CONDITION + ")", timeout = 120_000)
    private Condition initialized;

    @Inject
    private ServiceComponentRuntime componentRuntime;

    @Inject
    private ClusterService cluster;

    @Configuration
    public Option[] configuration() throws IOException {
        WorkerConfig worker = WorkerConfig.forCluster(SharedPulsarCluster.get(), "paxexam",
                "public/paxexam-" + UUID.randomUUID());
        return PaxExamWorker.options("paxexam", worker,
                systemProperty(ADMIN_URL_PROPERTY).value(worker.adminUrl()));
    }

    @Test
    public void everyBundleIsActive() {
        List<String> inactive = new ArrayList<>();
        for (Bundle bundle : context.getBundles()) {
            boolean fragment = bundle.getHeaders().get(Constants.FRAGMENT_HOST) != null;
            if (!fragment && bundle.getState() != Bundle.ACTIVE) {
                inactive.add(bundle.getSymbolicName() + " state " + bundle.getState());
            }
        }
        assertTrue("Bundles not active: " + inactive, inactive.isEmpty());
    }

    /**
     * The client's PROTOBUF schemas load protobuf through the pulsar bundle's optional import: it must be wired to the
     * protobuf bundle the runtime gives functions, or protobuf functions fail with NoClassDefFoundError.
     */
    @Test
    public void thePulsarClientSeesTheProtobufTheFunctionsSee() {
        Bundle pulsarBundle = null;
        for (Bundle bundle : context.getBundles()) {
            if ("dev.outrigger.pulsar".equals(bundle.getSymbolicName())) {
                pulsarBundle = bundle;
            }
        }
        assertTrue("no pulsar bundle", pulsarBundle != null);
        String provider = null;
        for (org.osgi.framework.wiring.BundleWire wire : pulsarBundle.adapt(org.osgi.framework.wiring.BundleWiring.class)
                .getRequiredWires(org.osgi.framework.wiring.BundleRevision.PACKAGE_NAMESPACE)) {
            if ("com.google.protobuf".equals(wire.getCapability().getAttributes()
                    .get(org.osgi.framework.wiring.BundleRevision.PACKAGE_NAMESPACE))) {
                provider = wire.getProvider().getSymbolicName();
            }
        }
        assertEquals("com.google.protobuf", provider);
    }

    @Test
    public void noComponentIsUnsatisfied() {
        List<String> unsatisfied = new ArrayList<>();
        for (ComponentDescriptionDTO description : componentRuntime.getComponentDescriptionDTOs()) {
            var configurations = componentRuntime.getComponentConfigurationDTOs(description);
            if (configurations.isEmpty() && !unconfiguredProvider(description)) {
                unsatisfied.add(description.name + ": no configuration (" + description.configurationPolicy + ")");
            }
            for (ComponentConfigurationDTO configuration : configurations) {
                if (configuration.state != ComponentConfigurationDTO.ACTIVE
                        && configuration.state != ComponentConfigurationDTO.SATISFIED) {
                    unsatisfied.add(description.name + ": state " + configuration.state
                            + (configuration.failure == null ? "" : ", " + configuration.failure));
                }
            }
        }
        assertTrue("Unsatisfied components: " + unsatisfied, unsatisfied.isEmpty());
    }

    /**
     * Authentication providers wait for their keys: the configuration bundle writes their configuration only when
     * {@code functions_worker.yml} sets them, which this unsecured worker does not.
     */
    private static boolean unconfiguredProvider(ComponentDescriptionDTO description) {
        return "require".equals(description.configurationPolicy)
                && List.of(description.configurationPid).stream()
                        .allMatch(pid -> pid.equals(ConfigurationPids.AUTH_TOKEN) || pid.equals(ConfigurationPids.AUTH_BASIC)
                                || pid.equals(ConfigurationPids.AUTH_OIDC));
    }

    @Test
    public void theWorkerJoinedItsClusterAndLeadsIt() {
        assertTrue(cluster.isInitialized());
        assertEquals(List.of(cluster.self()), cluster.members());
        await().atMost(Duration.ofSeconds(30)).until(cluster::isLeader);
        assertEquals(cluster.self(), cluster.leader().orElseThrow());
    }

    @Test
    public void theAdminApiAnswers() {
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest request = HttpRequest.newBuilder(
                URI.create(System.getProperty(ADMIN_URL_PROPERTY) + "/admin/v2/worker/cluster")).build();
        HttpResponse<String> response = await().atMost(Duration.ofSeconds(30))
                .ignoreExceptions()
                .until(() -> http.send(request, HttpResponse.BodyHandlers.ofString()),
                        answer -> answer.statusCode() == 200);
        assertTrue(response.body(), response.body().contains("\"workerId\":\"paxexam\""));
    }
}
