package dev.hcsim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.hcsim.core.EffectLog;
import dev.hcsim.core.GuestMemory;
import dev.hcsim.core.MemoryRegion;
import dev.hcsim.core.RegisterFile;
import dev.hcsim.core.SparseMemory;
import dev.hcsim.core.TrapResult;
import dev.hcsim.core.VcpuState;
import dev.hcsim.core.Vm;
import dev.hcsim.core.VmConfig;
import dev.hcsim.core.engine.Architectures;
import dev.hcsim.core.engine.Engine;
import dev.hcsim.core.scenario.JsonLines;
import dev.hcsim.core.scenario.ScenarioReader;
import dev.hcsim.core.scenario.ScenarioRunner;
import dev.hcsim.core.sched.Machine;
import dev.hcsim.core.sched.RunResult;
import dev.hcsim.core.sched.SingleCall;
import dev.hcsim.core.spi.Architecture;
import dev.hcsim.core.spi.HypercallSpec;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/** Hostile guests, hostile files, many VMs at once: every input gets a defined answer and nothing escapes. */
class RobustnessTest {
    /** Fuzz cases per architecture in the normal build; -Dhcsim.fuzz=N runs more. */
    private static final int FUZZ = Integer.getInteger("hcsim.fuzz", 100_000);

    @TestFactory
    @DisplayName("every malformed scenario in the corpus: exit 2, one line naming the file and the place, no trace file left")
    Stream<DynamicTest> malformedCorpus(@TempDir Path dir) throws Exception {
        List<Path> files;
        try (Stream<Path> s = Files.list(Path.of("src/test/resources/malformed"))) {
            files = s.sorted().toList();
        }
        assertTrue(files.size() >= 15);
        return files.stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> {
            Path trace = dir.resolve(f.getFileName() + ".jsonl");
            CliTest.Run r = CliTest.hcsim("run", f.toString(), "--trace", trace.toString());
            assertEquals(2, r.code(), r.out() + r.err());
            assertEquals(1, r.err().lines().count(), r.err());
            assertTrue(r.err().startsWith("hcsim: " + f), r.err());
            assertFalse(r.err().contains("Exception"), r.err());
            assertFalse(Files.exists(trace));
        }));
    }

    @Test
    @DisplayName("a 100 MB scenario file is refused before it is read")
    void hugeFile(@TempDir Path dir) throws Exception {
        Path big = dir.resolve("huge.json");
        try (var ch = Files.newByteChannel(big, java.nio.file.StandardOpenOption.CREATE_NEW, java.nio.file.StandardOpenOption.WRITE,
                java.nio.file.StandardOpenOption.SPARSE)) {
            ch.position(100L << 20);
            ch.write(java.nio.ByteBuffer.wrap(new byte[] {'}'}));
        }
        CliTest.Run r = CliTest.hcsim("run", big.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("may be at most"), r.err());
    }

    private static ScenarioRunner.Result x86(String program, String extra) {
        return ScenarioRunner.run(ScenarioReader.parse("{\"vm\": {\"arch\": \"x86\"" + extra + ", \"programs\": [{\"at\": \"0x1000\", \"source\": \""
                + program + "\"}]}}", "hostile.json"));
    }

    @Test
    @DisplayName("hostile guests end as defined outcomes with the trace kept: runaway traps, wild store, bad word, jump outside memory")
    void hostileGuests() {
        ScenarioRunner.Result runaway = x86("l: mov $1, %rax; vmcall; jmp l", ", \"maxSteps\": 3000");
        assertEquals(RunResult.Reason.STEP_BUDGET, runaway.runs().get("vm0").reason());
        assertTrue(runaway.trace().events().size() > 900, "the trace so far is kept");

        ScenarioRunner.Result wild = x86("mov $0x7fff0000, %rbx; movq $1, (%rbx); hlt", "");
        assertEquals(VcpuState.STOPPED, wild.machines().get("vm0").stateOf(0));
        assertTrue(wild.machines().get("vm0").stopReason(0).contains("0x7fff0000"));

        ScenarioRunner.Result bad = x86("nop; .byte 0x0f, 0x0b", "");
        assertTrue(bad.machines().get("vm0").stopReason(0).contains("0x1001"), bad.machines().get("vm0").stopReason(0));

        ScenarioRunner.Result away = x86("jmp 0x800000", "");
        assertTrue(away.machines().get("vm0").stopReason(0).contains("outside guest memory"));

        ScenarioRunner.Result forever = x86("l: jmp l", "");
        assertEquals(RunResult.Reason.STEP_BUDGET, forever.runs().get("vm0").reason(), "the default budget ends an infinite loop");
        CliTest.Run cli = CliTest.hcsim("run", "--max-steps", "100", "../examples/x86-clock-pairing.json");
        assertEquals(0, cli.code(), cli.err());
    }

    @Test
    @DisplayName("absurd sizes are refused before allocation: 10^7 vCPUs, a 2^60-byte region; sparse memory costs what is touched")
    void limits() {
        CliTest.Run r = CliTest.hcsim("call", "--arch", "x86", "--vcpus", "10000000", "rax=1");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("vcpus must be 1..16384"), r.err());
        Machine m = new Machine(VmConfig.builder("x86").memory(0, 1L << 60).build(), "big");
        m.load((1L << 59) + 3, new byte[] {1});
        m.load(0x1000, new byte[] {2});
        assertEquals(2, m.memory().residentPages());
        SingleCall.Result ipi = SingleCall.run(VmConfig.builder("x86").vcpus(4).build(), 0, null,
                java.util.Map.of("rax", 10L, "rbx", -1L, "rcx", -1L, "rdx", 0xFFFF_FFF0L, "rsi", 0xECL), java.util.Map.of());
        assertEquals(0, ipi.after().get("rax"), "a bitmap base past the id space reaches nobody");
    }

    private static RegisterFile randomRegisters(Architecture a, SplittableRandom rnd, Vm vm) {
        RegisterFile r = new RegisterFile(a.registers());
        vm.resetVcpu(0, r);
        for (int i : a.registers().generalIndices()) {
            r.set(i, switch (rnd.nextInt(4)) {
                case 0 -> rnd.nextLong();
                case 1 -> rnd.nextInt(64);
                case 2 -> 0x1000 + rnd.nextInt(0x1000);
                default -> -rnd.nextInt(8);
            });
        }
        return r;
    }

    @TestFactory
    @DisplayName("fuzz: random bytes as trap instructions and random registers through the embedding path, for every architecture")
    Stream<DynamicTest> fuzz() {
        return Architectures.all().stream().map(a -> DynamicTest.dynamicTest(a.name(), () -> {
            SplittableRandom rnd = new SplittableRandom(a.name().hashCode());
            Vm vm = Engine.create(a, VmConfig.builder(a.name()).vcpus(4).build());
            byte[] trap = SingleCall.instructionBytes(vm, null);
            List<HypercallSpec> calls = a.hypercalls();
            SparseMemory mem = new SparseMemory(List.of(new MemoryRegion(0, 0x4000)));
            GuestMemory guarded = new GuestMemory() {
                @Override
                public boolean read(long gpa, byte[] dst, int off, int len) {
                    return mem.read(gpa, dst, off, len);
                }

                @Override
                public boolean write(long gpa, byte[] src, int off, int len) {
                    boolean ok = mem.write(gpa, src, off, len);
                    assertTrue(!ok || (gpa >= 0 && gpa + len <= 0x4000), "write outside guest memory accepted");
                    return ok;
                }
            };
            byte[] insn = new byte[8];
            for (int i = 0; i < FUZZ; i++) {
                RegisterFile regs = randomRegisters(a, rnd, vm);
                if (rnd.nextBoolean()) {
                    // a documented number in the number register, so that handlers run, not only the unknown path
                    regs.set(a.contract().numberRegister(), calls.get(rnd.nextInt(calls.size())).number());
                }
                byte[] bytes;
                if (rnd.nextInt(3) == 0) {
                    rnd.nextBytes(insn);
                    bytes = Arrays.copyOf(insn, 1 + rnd.nextInt(insn.length));
                } else {
                    bytes = trap;
                }
                mem.write(0x1000, bytes, 0, bytes.length);
                regs.pc(0x1000);
                EffectLog control = new EffectLog(4);
                TrapResult r = vm.trap(0, regs, guarded, control);
                assertNotNull(r.outcome());
                if (r.status() != null) {
                    assertNotNull(r.statusName());
                }
            }
        }));
    }

    @TestFactory
    @DisplayName("isolation: random hypercalls with random addresses in one VM leave another VM's memory and vCPUs byte-identical")
    Stream<DynamicTest> isolation() {
        return Architectures.all().stream().map(a -> DynamicTest.dynamicTest(a.name(), () -> {
            List<HypercallSpec> calls = a.hypercalls();
            qt().withExamples(300).forAll(integers().between(0, calls.size() - 1), longs().all(), longs().between(0, 0x20000)).checkAssert((c, x, addr) -> {
                VmConfig cfg = VmConfig.builder(a.name()).vcpus(2).memory(0, 0x10000).build();
                Machine victim = new Machine(Engine.create(a, cfg), "victim");
                victim.load(0x2000, new byte[] {1, 2, 3, 4});
                var pagesBefore = victim.memory().snapshotPages();
                long[] regsBefore = victim.registers(1).snapshot();
                Machine attacker = new Machine(Engine.create(a, cfg), "attacker");
                attacker.load(0x1000, SingleCall.instructionBytes(attacker.vm(), null));
                RegisterFile r = attacker.registers(0);
                for (int i : a.registers().generalIndices()) {
                    r.set(i, (i & 1) == 0 ? addr : x);
                }
                r.set(a.contract().numberRegister(), calls.get(c).number());
                r.pc(0x1000);
                attacker.vm().trap(0, r, attacker.memory(), attacker);
                var pagesAfter = victim.memory().snapshotPages();
                assertEquals(pagesBefore.keySet(), pagesAfter.keySet());
                pagesBefore.forEach((k, v) -> assertTrue(Arrays.equals(v, pagesAfter.get(k))));
                assertTrue(Arrays.equals(regsBefore, victim.registers(1).snapshot()));
                assertEquals(VcpuState.RUNNABLE, victim.stateOf(0));
            });
        }));
    }

    @Test
    @DisplayName("concurrency: every bundled scenario run on several threads at once gives exactly its one-at-a-time trace")
    void concurrentRunsAreIndependent() throws Exception {
        List<Path> files;
        try (Stream<Path> s = Files.list(Path.of("../examples"))) {
            files = s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
        List<String> sequential = new ArrayList<>();
        for (Path f : files) {
            sequential.add(trace(f));
        }
        int threads = Math.max(2, Runtime.getRuntime().availableProcessors());
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            for (int round = 0; round < 3; round++) {
                List<Future<String>> futures = new ArrayList<>();
                for (Path f : files) {
                    futures.add(pool.submit(() -> trace(f)));
                }
                for (int i = 0; i < files.size(); i++) {
                    assertEquals(sequential.get(i), futures.get(i).get(), files.get(i).toString());
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @TestFactory
    @DisplayName("one Vm shared by two threads, each trapping on its own vCPU, gives exactly the one-thread results")
    Stream<DynamicTest> vmSharedAcrossThreads() {
        return Architectures.all().stream().map(a -> DynamicTest.dynamicTest(a.name(), () -> {
            int n = 20_000;
            long[][] alone = {trapSeries(a, null, 0, n), trapSeries(a, null, 1, n)};
            Vm shared = Engine.create(a, VmConfig.builder(a.name()).vcpus(2).build());
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                Future<long[]> f0 = pool.submit(() -> trapSeries(a, shared, 0, n));
                Future<long[]> f1 = pool.submit(() -> trapSeries(a, shared, 1, n));
                assertTrue(Arrays.equals(alone[0], f0.get()), "vCPU 0");
                assertTrue(Arrays.equals(alone[1], f1.get()), "vCPU 1");
            } finally {
                pool.shutdownNow();
            }
        }));
    }

    /** n traps of documented numbers with seeded registers on one vCPU; returns a digest of every result register. */
    private static long[] trapSeries(Architecture a, Vm given, int vcpu, int n) {
        Vm vm = given != null ? given : Engine.create(a, VmConfig.builder(a.name()).vcpus(2).build());
        SparseMemory mem = new SparseMemory(List.of(new MemoryRegion(0, 0x4000)));
        byte[] trap = SingleCall.instructionBytes(vm, null);
        mem.write(0x1000, trap, 0, trap.length);
        SplittableRandom rnd = new SplittableRandom(vcpu * 31L + 7);
        List<HypercallSpec> calls = a.hypercalls();
        long[] out = new long[n];
        EffectLog control = new EffectLog(2);
        for (int i = 0; i < n; i++) {
            RegisterFile r = new RegisterFile(a.registers());
            vm.resetVcpu(vcpu, r);
            for (int g : a.registers().generalIndices()) {
                r.set(g, rnd.nextInt(3) == 0 ? rnd.nextLong() : 0x2000 + rnd.nextInt(0x100));
            }
            r.set(a.contract().numberRegister(), calls.get(rnd.nextInt(calls.size())).number());
            r.pc(0x1000);
            TrapResult t = vm.trap(vcpu, r, mem, control);
            long h = t.outcome().ordinal();
            for (int g : a.registers().generalIndices()) {
                h = h * 31 + r.get(g);
            }
            out[i] = h;
            control.drain();
        }
        return out;
    }

    private static String trace(Path f) {
        StringWriter w = new StringWriter();
        JsonLines.write(ScenarioRunner.run(ScenarioReader.read(f)).trace().events(), w);
        return w.toString();
    }
}
