package dev.outrigger.scheduler.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.outrigger.api.metadata.FunctionMetadata;
import dev.outrigger.api.scheduler.InstanceId;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pulsar's {@code RoundRobinScheduler}: every instance of every component is assigned; an instance keeps its worker
 * while that worker is a member; an unassigned instance goes to the member with the fewest assignments (ties: the
 * smallest workerId).
 */
final class RoundRobin {

    private static final Logger LOG = LoggerFactory.getLogger(RoundRobin.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    static final Comparator<InstanceId> ORDER =
            Comparator.comparing((InstanceId id) -> id.function().fullyQualifiedName())
                    .thenComparingInt(InstanceId::instanceId);

    private RoundRobin() {}

    /**
     * @param current the assignments on the topic now
     * @param components every component of the cluster
     * @param members the workerIds of the members; must not be empty
     * @return the assignments there should be
     */
    static Map<InstanceId, String> schedule(Map<InstanceId, String> current, Collection<FunctionMetadata> components,
            Set<String> members) {
        if (members.isEmpty()) {
            throw new IllegalArgumentException("No members to assign instances to");
        }
        TreeSet<InstanceId> desired = new TreeSet<>(ORDER);
        for (FunctionMetadata component : components) {
            int parallelism = parallelism(component);
            for (int i = 0; i < parallelism; i++) {
                desired.add(new InstanceId(component.key(), i));
            }
        }
        Map<InstanceId, String> next = new TreeMap<>(ORDER);
        Map<String, Integer> load = new HashMap<>();
        members.forEach(member -> load.put(member, 0));
        List<InstanceId> unassigned = new ArrayList<>();
        for (InstanceId instance : desired) {
            String worker = current.get(instance);
            if (worker != null && members.contains(worker)) {
                next.put(instance, worker);
                load.merge(worker, 1, Integer::sum);
            } else {
                unassigned.add(instance);
            }
        }
        Comparator<String> leastLoaded = Comparator.comparing((String member) -> load.get(member))
                .thenComparing(Comparator.naturalOrder());
        for (InstanceId instance : unassigned) {
            String worker = load.keySet().stream().min(leastLoaded).orElseThrow();
            next.put(instance, worker);
            load.merge(worker, 1, Integer::sum);
        }
        return next;
    }

    /** @return {@code parallelism} of the component's configuration JSON; 1 where absent or not a positive number */
    static int parallelism(FunctionMetadata component) {
        try {
            JsonNode config = JSON.readTree(component.config());
            JsonNode parallelism = config == null ? null : config.get("parallelism");
            if (parallelism == null || parallelism.isNull()) {
                return 1;
            }
            if (parallelism.canConvertToInt() && parallelism.asInt() > 0) {
                return parallelism.asInt();
            }
            LOG.warn("{} has parallelism {}: scheduling one instance", component.key(), parallelism);
            return 1;
        } catch (IOException e) {
            LOG.warn("The configuration of {} is not JSON ({}): scheduling one instance", component.key(),
                    e.getMessage());
            return 1;
        }
    }
}
