package dev.outrigger.scheduler.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.outrigger.api.metadata.FunctionMetadata;
import dev.outrigger.api.scheduler.InstanceId;
import dev.outrigger.api.scheduler.Parallelism;
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
 *
 * <p>Unlike Pulsar's, it has a ceiling on parallelism: a component above it (a record written before the ceiling, or
 * by another worker) is quarantined, neither expanded into instances nor touched: its assignments stay as they are.
 */
final class RoundRobin {

    private static final Logger LOG = LoggerFactory.getLogger(RoundRobin.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    static final Comparator<InstanceId> ORDER =
            Comparator.comparing((InstanceId id) -> id.function().fullyQualifiedName())
                    .thenComparingInt(InstanceId::instanceId);

    /**
     * @param assignments the assignments there should be
     * @param quarantined the fully qualified names of the components above the ceiling
     */
    record Plan(Map<InstanceId, String> assignments, Set<String> quarantined) {}

    private RoundRobin() {}

    /** {@link #plan} with the default ceiling, for callers that need only the assignments. */
    static Map<InstanceId, String> schedule(Map<InstanceId, String> current, Collection<FunctionMetadata> components,
            Set<String> members) {
        return plan(current, components, members, Set.of(), Parallelism.DEFAULT_MAX).assignments();
    }

    /**
     * @param current the assignments on the topic now
     * @param components every component of the cluster
     * @param members the workerIds of the members; must not be empty
     * @param graced workers that are not members but keep their assignments for now (within the reschedule timeout);
     *     they get no new ones
     * @param maxParallelism the ceiling: components above it are quarantined
     * @return the assignments there should be, and which components were quarantined
     */
    static Plan plan(Map<InstanceId, String> current, Collection<FunctionMetadata> components, Set<String> members,
            Set<String> graced, int maxParallelism) {
        if (members.isEmpty()) {
            throw new IllegalArgumentException("No members to assign instances to");
        }
        TreeSet<InstanceId> desired = new TreeSet<>(ORDER);
        Set<String> quarantined = new TreeSet<>();
        for (FunctionMetadata component : components) {
            int parallelism = parallelism(component);
            if (parallelism > maxParallelism) {
                quarantined.add(component.key().fullyQualifiedName());
                continue;
            }
            for (int i = 0; i < parallelism; i++) {
                desired.add(new InstanceId(component.key(), i));
            }
        }
        Map<InstanceId, String> next = new TreeMap<>(ORDER);
        Map<String, Integer> load = new HashMap<>();
        members.forEach(member -> load.put(member, 0));
        // A quarantined component keeps what it has: unassigning it would stop a running function over a setting.
        current.forEach((instance, worker) -> {
            if (quarantined.contains(instance.function().fullyQualifiedName())) {
                next.put(instance, worker);
                load.computeIfPresent(worker, (member, count) -> count + 1);
            }
        });
        List<InstanceId> unassigned = new ArrayList<>();
        for (InstanceId instance : desired) {
            String worker = current.get(instance);
            if (worker != null && members.contains(worker)) {
                next.put(instance, worker);
                load.merge(worker, 1, Integer::sum);
            } else if (worker != null && graced.contains(worker)) {
                next.put(instance, worker); // not in the load: a graced worker is given nothing new
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
        return new Plan(next, Set.copyOf(quarantined));
    }

    /** @return {@code parallelism} of the component's configuration JSON; 1 where absent or not a positive number */
    static int parallelism(FunctionMetadata component) {
        try {
            JsonNode config = JSON.readTree(component.config());
            JsonNode parallelism = config == null ? null : config.get("parallelism");
            if (parallelism == null || parallelism.isNull()) {
                return 1;
            }
            if (parallelism.isIntegralNumber() && !parallelism.canConvertToInt()) {
                return Integer.MAX_VALUE; // above any ceiling: quarantined, not shrunk to one instance
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
