package dev.outrigger.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

class ProcStatusTest {

    /** Trimmed from a real /proc/<pid>/status of a JVM (Linux 6.x). */
    static final String JAVA_STATUS = String.join("\n",
            "Name:\tjava",
            "Umask:\t0022",
            "State:\tS (sleeping)",
            "Tgid:\t4242",
            "Pid:\t4242",
            "VmPeak:\t 5312876 kB",
            "VmSize:\t 5247340 kB",
            "VmHWM:\t  301220 kB",
            "VmRSS:\t  287504 kB",
            "RssAnon:\t  250112 kB",
            "RssFile:\t   37392 kB",
            "Threads:\t58",
            "");

    /** A kernel thread has no Vm* lines. */
    static final String KTHREAD_STATUS = "Name:\tkworker/0:1\nState:\tI (idle)\nPid:\t17\nThreads:\t1\n";

    @Test
    void readsVmRssInKiB() {
        assertEquals(OptionalLong.of(287504), ProcStatus.vmRssKiB(JAVA_STATUS));
    }

    @Test
    void doesNotConfuseVmRssWithRssAnonOrVmHwm() {
        String reordered = "RssAnon:\t1 kB\nVmHWM:\t2 kB\nVmRSS:\t3 kB\n";
        assertEquals(OptionalLong.of(3), ProcStatus.vmRssKiB(reordered));
    }

    @Test
    void noVmRssLineIsEmpty() {
        assertEquals(OptionalLong.empty(), ProcStatus.vmRssKiB(KTHREAD_STATUS));
    }

    @Test
    void unexpectedUnitIsAnError() {
        assertThrows(IllegalArgumentException.class, () -> ProcStatus.vmRssKiB("VmRSS:\t 12 MB\n"));
    }

    @Test
    void readsTheCommandName() {
        assertEquals("java", ProcStatus.name(JAVA_STATUS));
        assertEquals("kworker/0:1", ProcStatus.name(KTHREAD_STATUS));
        assertEquals("", ProcStatus.name("Pid:\t1\n"));
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void readsThisJvm() {
        long pid = ProcessHandle.current().pid();
        assertEquals("java", ProcStatus.name(ProcStatus.read(pid).orElseThrow()));
        assertTrue(ProcStatus.rssKiB(pid).orElseThrow() > 1024);
        assertEquals(pid, BenchWorkers.jvmPid(pid));
    }
}
