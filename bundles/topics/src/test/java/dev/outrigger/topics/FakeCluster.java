package dev.outrigger.topics;

import dev.outrigger.api.cluster.ClusterService;
import dev.outrigger.api.cluster.WorkerInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * For the tests of the bundles that keep a compacted topic (this one's test jar): membership and leadership as a
 * test decides them, i.e. what the broker would say through the coordination topic. No worker leads until
 * {@link #leader} names one.
 */
public final class FakeCluster implements ClusterService {

    private volatile WorkerInfo self;
    private volatile List<String> others = List.of();
    private volatile WorkerInfo leader;
    private volatile boolean initialized = true;

    /** @param others the members besides this worker */
    public FakeCluster(String workerId, String... others) {
        this.self = new WorkerInfo(workerId, "127.0.0.1", 0);
        memberIds(others);
    }

    /** This worker's admin API is at that port (forwarding to it is tested). */
    public FakeCluster port(int port) {
        self = new WorkerInfo(self.workerId(), self.workerHostname(), port);
        return this;
    }

    /** @param others the members besides this worker, from now on */
    public FakeCluster memberIds(String... others) {
        this.others = List.of(others);
        return this;
    }

    public FakeCluster leader(WorkerInfo worker) {
        leader = worker;
        return this;
    }

    /** A worker that has not joined its cluster: its topics may not exist yet. */
    public FakeCluster notInitialized() {
        return initialized(false);
    }

    public FakeCluster initialized(boolean value) {
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
        List<WorkerInfo> all = new ArrayList<>();
        all.add(self);
        for (String other : others) {
            all.add(new WorkerInfo(other, "127.0.0.1", 0));
        }
        return List.copyOf(all);
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
