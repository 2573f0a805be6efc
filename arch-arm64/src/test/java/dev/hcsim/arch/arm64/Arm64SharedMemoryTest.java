package dev.hcsim.arch.arm64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.hcsim.core.Bytes;
import dev.hcsim.core.MemoryAccess;
import dev.hcsim.core.RegisterFile;
import dev.hcsim.core.VcpuState;
import dev.hcsim.core.VmConfig;
import dev.hcsim.core.sched.Machine;
import dev.hcsim.core.sched.RunResult;
import java.nio.ByteOrder;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** PV time and PV lock structures kept from the scheduler hooks, and CPU_ON races under the scheduler. */
class Arm64SharedMemoryTest {
    private static long le64(Harness h, long gpa) {
        byte[] b = new byte[8];
        assertTrue(h.m.memory().read(gpa, b, 0, 8));
        return Bytes.get(b, 0, 8, false);
    }

    @Test
    @DisplayName("pvtime.c kvm_update_stolen_time: each schedule-in adds the run delay to the LE stolen_time at +8; PV_TIME_ST restarts at 0")
    void stolenTimeAccounting() {
        Harness h = Harness.of(1, "pvtime-ipa", "0x8000");
        MemoryAccess mem = new MemoryAccess(h.m.memory(), ByteOrder.LITTLE_ENDIAN);
        Arm64Vm arm = h.arm();
        arm.scheduleIn(0, 10, 50, mem); // last_steal starts at 0: updates run even before the guest asks
        assertEquals(50, le64(h, 0x8008));
        h.hvc(0xC5000021L);
        assertEquals(0x8000, h.x(0));
        assertEquals(0, le64(h, 0x8008));
        arm.scheduleIn(0, 100, 500, mem);
        arm.scheduleIn(0, 200, 300, mem);
        assertEquals(800, le64(h, 0x8008));
        assertEquals(0, le64(h, 0x8000), "revision and attributes stay 0");
        h.hvc(0xC5000021L);
        arm.scheduleIn(0, 300, 7, mem);
        assertEquals(7, le64(h, 0x8008));
    }

    @Test
    @DisplayName("selftest steal_time.c: under the scheduler, 2 vCPUs on 1 physical CPU see stolen_time grow, never past the scheduler's steal")
    void stolenTimeUnderScheduler() {
        VmConfig c = VmConfig.builder("arm64").vcpus(2).pcpus(1).quantum(20).option("pvtime-ipa", "0x8000").build();
        Machine m = new Machine(c, "steal");
        String prog = "movz x0, #0x21\nmovk x0, #0xc500, lsl #16\nhvc #0\nmov x9, x0\nmov x1, #400\nloop: sub x1, x1, #1\ncbnz x1, loop\n"
                + "ldr x10, [x9, #8]\nwfi\n";
        m.load(0x1000, m.vm().assemble(prog, 0x1000).bytes());
        m.registers(0).pc(0x1000);
        m.registers(1).pc(0x1000);
        RunResult r = m.run(100_000, Long.MAX_VALUE);
        assertEquals(RunResult.Reason.IDLE, r.reason());
        for (int v = 0; v < 2; v++) {
            RegisterFile regs = m.registers(v);
            assertEquals(0x8000 + 64L * v, regs.get(9), "PV_TIME_ST gives this vCPU's record");
            long stolen = regs.get(10);
            assertTrue(stolen > 0 && stolen <= m.stealNanos(v), "stolen " + stolen + " of " + m.stealNanos(v));
        }
    }

    @Test
    @DisplayName("seed 002 (PV-lock RFC), option pvlock=on: FEATURES, PREEMPTED, ARCH_FEATURES, KVM_FEATURES bit 2, attribute errors")
    void pvLockCalls() {
        Harness h = Harness.of(2, "pvlock", "on");
        h.hvc(0xC6000021L);
        assertEquals(-1L, h.x(0), "no IPA yet");
        assertEquals(-Arm64Vm.EINVAL, h.arm().pvTime().setPvlockIpa(0, 0x9010));
        assertEquals(0, h.arm().pvTime().setPvlockIpa(0, 0x9000));
        assertEquals(-Arm64Vm.EEXIST, h.arm().pvTime().setPvlockIpa(0, 0x9040));
        assertEquals(-Arm64Vm.EINVAL, h.arm().pvTime().setPvlockIpa(1, 0x7FFF_0000L));
        h.hvc(0xC6000021L, 5, 6, 7);
        assertEquals(0x9000, h.x(0));
        assertEquals(0, h.x(1));
        h.hvc(0xC6000020L, 0xC6000021L);
        assertEquals(0, h.x(0));
        h.hvc(0xC6000020L, 0xC6000020L);
        assertEquals(-1L, h.x(0));
        h.hvc(0x80000001L, 0xC6000020L);
        assertEquals(0, h.x(0));
        h.hvc(0x86000000L);
        assertEquals(7, h.x(0));
        Harness cleared = Harness.of(1, "pvlock", "on", "pvlock-ipa", "0x9000");
        assertEquals(0, cleared.arm().firmware().set(Arm64FirmwareRegisters.REG_VENDOR_HYP_BMAP, 3));
        cleared.hvc(0xC6000021L);
        assertEquals(-1L, cleared.x(0));
    }

    @Test
    @DisplayName("seed 002 + RFC code: preempted (LE u64 at +0) is 1 after vcpu_put and 0 after vcpu_load; untouched when pvlock is off")
    void preemptedField() {
        Harness h = Harness.of(1, "pvlock", "on", "pvlock-ipa", "0x9000");
        MemoryAccess mem = new MemoryAccess(h.m.memory(), ByteOrder.LITTLE_ENDIAN);
        h.arm().scheduleOut(0, 5, true, mem);
        assertEquals(1, le64(h, 0x9000));
        h.arm().scheduleIn(0, 6, 1, mem);
        assertEquals(0, le64(h, 0x9000));
        h.arm().scheduleOut(0, 7, false, mem);
        assertEquals(1, le64(h, 0x9000));
        Harness off = Harness.of(1);
        off.m.load(0x9000, new byte[] {0x33});
        off.arm().scheduleOut(0, 5, true, new MemoryAccess(off.m.memory(), ByteOrder.LITTLE_ENDIAN));
        assertEquals(0x33, le64(off, 0x9000));
    }

    /** Three vCPUs race PSCI CPU_ON for vCPU 3 on two physical CPUs; the racers keep their answer in x0. */
    private static long[] raceCpuOn(long seed) {
        VmConfig c = VmConfig.builder("arm64").vcpus(4).pcpus(2).quantum(3).seed(seed).build();
        Machine m = new Machine(c, "race");
        String racer = "mrs x5, mpidr_el1\nmov x6, #0\nspin: add x6, x6, #1\ncmp x6, #3\nb.lo spin\n"
                + "movz x0, #0x3\nmovk x0, #0xc400, lsl #16\nmov x1, #3\nmov x2, #0x2000\nmov x3, #0x77\nhvc #0\nwfi\n";
        m.load(0x1000, m.vm().assemble(racer, 0x1000).bytes());
        m.load(0x2000, m.vm().assemble("mov x7, x0\nwfi\n", 0x2000).bytes());
        for (int v = 0; v < 3; v++) {
            m.registers(v).pc(0x1000);
        }
        m.initialState(3, VcpuState.OFF);
        m.run(10_000, Long.MAX_VALUE);
        return new long[] {m.registers(0).get(0), m.registers(1).get(0), m.registers(2).get(0), m.registers(3).get(7),
            m.stateOf(3).ordinal()};
    }

    @Test
    @DisplayName("psci.c kvm_psci_vcpu_on under kvm->lock: racing CPU_ON on one target gives exactly one SUCCESS and ALREADY_ON for the rest, for every seed")
    void cpuOnRace() {
        qt().withExamples(60).forAll(longs().all()).checkAssert(seed -> {
            long[] r = raceCpuOn(seed);
            int success = 0;
            int alreadyOn = 0;
            for (int v = 0; v < 3; v++) {
                success += r[v] == 0 ? 1 : 0;
                alreadyOn += r[v] == -4 ? 1 : 0;
            }
            assertEquals(1, success, "seed " + seed);
            assertEquals(2, alreadyOn, "seed " + seed);
            assertEquals(0x77, r[3], "the target started with x0 = context");
        });
    }

    @Test
    @DisplayName("the CPU_ON race is a real race: over seeds 0..31 more than one racer wins")
    void raceWinnerDependsOnSeed() {
        java.util.Set<Integer> winners = new java.util.TreeSet<>();
        for (long seed = 0; seed < 32; seed++) {
            long[] r = raceCpuOn(seed);
            for (int v = 0; v < 3; v++) {
                if (r[v] == 0) {
                    winners.add(v);
                }
            }
        }
        assertTrue(winners.size() > 1, "winners " + winners);
    }
}
