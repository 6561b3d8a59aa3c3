package dev.outrigger.scheduler.internal;

import dev.outrigger.api.cluster.ClusterService;
import dev.outrigger.api.cluster.WorkerInfo;
import java.util.List;
import java.util.Optional;

/** Membership as a test decides it: what the broker would say through the coordination topic. */
final class FakeCluster implements ClusterService {

    private final WorkerInfo self;
    private volatile List<WorkerInfo> members;
    private volatile boolean initialized = true;

    FakeCluster(String workerId, String... others) {
        this.self = worker(workerId);
        memberIds(others);
    }

    static WorkerInfo worker(String workerId) {
        return new WorkerInfo(workerId, "127.0.0.1", 6750);
    }

    /** @param others the members besides this worker */
    FakeCluster memberIds(String... others) {
        List<WorkerInfo> all = new java.util.ArrayList<>();
        all.add(self);
        for (String other : others) {
            all.add(worker(other));
        }
        members = List.copyOf(all);
        return this;
    }

    FakeCluster initialized(boolean value) {
        initialized = value;
        return this;
    }

    @Override
    public WorkerInfo self() {
        return self;
    }

    @Override
    public String pulsarFunctionsCluster() {
        return "standalone";
    }

    @Override
    public boolean isInitialized() {
        return initialized;
    }

    @Override
    public long startUpTimeMillis() {
        return 1;
    }

    @Override
    public List<WorkerInfo> members() {
        return members;
    }

    @Override
    public Optional<WorkerInfo> leader() {
        return Optional.of(self);
    }

    @Override
    public boolean isLeader() {
        return true;
    }
}
