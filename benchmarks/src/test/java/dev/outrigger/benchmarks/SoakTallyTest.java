package dev.outrigger.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.BitSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SoakTallyTest {

    @Test
    void lostDuplicatedAndStrayOutputsAreCounted() {
        BitSet failed = new BitSet();
        failed.set(4);
        SoakTally tally = new SoakTally(6, failed);
        for (String output : List.of("0!", "1!", "1!", "1!", "3!", "5!", "6!", "x!", "2", "")) {
            tally.record(output);
        }
        // 2 has no output; 4 was never sent successfully, so it is not lost
        assertEquals(1, tally.lost());
        assertEquals(List.of(2), tally.firstLost(5));
        assertEquals(2, tally.duplicates());
        assertEquals(1, tally.duplicatedNumbers());
        assertEquals(List.of(1), tally.firstDuplicated(5));
        assertEquals(4, tally.strays());
        assertEquals(10, tally.outputs());
        assertEquals(1, tally.sendErrors());
    }

    @Test
    void nothingSentNothingLost() {
        SoakTally tally = new SoakTally(0, new BitSet());
        tally.record("0!");
        assertEquals(0, tally.lost());
        assertEquals(1, tally.strays());
    }

    @Test
    void jcmdOutputsAreParsed() {
        String histogram = """
                12345:
                 num     #instances         #bytes  class name (module)
                -------------------------------------------------------
                   1:         51234        4194304  [B (java.base@17.0.15)
                 812:            17            2176  dev.outrigger.runtime.internal.FunctionClassLoader
                 813:            17             544  dev.outrigger.runtime.internal.FunctionClassLoader$ApiOnly
                Total        123456       12345678
                """;
        Map<String, Long> objects = SoakRun.histogram(histogram);
        assertEquals(17L, objects.get(SoakRun.FUNCTION_LOADER));
        assertEquals(17L, objects.get(SoakRun.API_LOADER));
        assertEquals(51234L, objects.get("[B"));

        String dump = """
                2026-12-08 01:20:00
                Full thread dump OpenJDK 64-Bit Server VM (17.0.15+6-Debian-1deb12u1 mixed mode, sharing):

                "main" #1 prio=5 os_prio=0 cpu=1.0ms elapsed=1.0s tid=0x1 nid=0x2 waiting on condition
                "pulsar-io-4-1" #40 daemon prio=5 os_prio=0 cpu=1.0ms elapsed=1.0s tid=0x1 nid=0x2 runnable
                "pulsar-io-4-2" #41 daemon prio=5 os_prio=0 cpu=1.0ms elapsed=1.0s tid=0x1 nid=0x2 runnable
                "VM Thread" os_prio=0 cpu=1.0ms elapsed=1.0s tid=0x1 nid=0x2 runnable
                """;
        assertEquals(3, SoakRun.threadCount(dump));
        assertEquals(Map.of("main", 1, "pulsar-io-N-N", 2), SoakRun.threadGroups(dump));
    }

    @Test
    void lostNumbersAreAttributedToTheKillBeforeThem() {
        SoakTally tally = new SoakTally(300, new BitSet());
        for (int i = 0; i < 300; i++) {
            if (i != 5 && i != 150 && i != 151 && i != 290) {
                tally.record(i + "!");
            }
        }
        List<SoakRun.Kill> kills = List.of(kill(1, 100), kill(2, 148), kill(3, 200));
        // 5 was lost before any kill (0), 150 and 151 after kill 2, 290 after kill 3
        assertEquals("[0, 2, 3]", SoakRun.lostAfter(tally, kills));
        assertEquals("", SoakRun.lostAfter(new SoakTally(0, new BitSet()), kills));
    }

    private static SoakRun.Kill kill(int number, int sentBefore) {
        return new SoakRun.Kill(number, 0, "w", false, 0, 1, 0, 0, 0, List.of(), List.of(), sentBefore);
    }
}
