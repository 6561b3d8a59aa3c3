package dev.outrigger.metadata.internal;

import dev.outrigger.api.cluster.ClusterService;
import dev.outrigger.api.cluster.WorkerInfo;
import java.util.List;
import java.util.Optional;

/** Leadership as a test decides it: what the broker would say through the coordination topic. */
final class FakeCluster implements ClusterService {

    private volatile WorkerInfo self;
    private volatile WorkerInfo leader;
    private volatile boolean initialized = true;

    FakeCluster(String workerId) {
        this.self = new WorkerInfo(workerId, "127.0.0.1", 0);
    }

    FakeCluster port(int port) {
        self = new WorkerInfo(self.workerId(), self.workerHostname(), port);
        return this;
    }

    FakeCluster leader(WorkerInfo worker) {
        leader = worker;
        return this;
    }

    /** A worker that has not joined its cluster: its topics may not exist yet. */
    FakeCluster notInitialized() {
        return initialized(false);
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
        return List.of(self);
    }

    @Override
    public Optional<WorkerInfo> leader() {
        return Optional.ofNullable(leader);
    }

    @Override
    public boolean isLeader() {
        return self.equals(leader);
    }
}
