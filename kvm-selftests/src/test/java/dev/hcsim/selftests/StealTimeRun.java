package dev.hcsim.selftests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hcsim.core.Program;
import dev.hcsim.core.RegisterFile;
import dev.hcsim.core.TrapResult;
import dev.hcsim.core.VcpuState;
import dev.hcsim.core.Vm;
import dev.hcsim.core.sched.HostHandler;
import dev.hcsim.core.sched.Machine;
import java.util.List;
import java.util.function.Consumer;

/**
 * steal_time.c main()'s loop body for one vCPU (torvalds/linux, read at commit 15a9a2ba), as a VMM runs it on hcsim:
 * the guest's GUEST_SYNC(0), GUEST_SYNC(1) and GUEST_DONE are ucalls through an exit the VMM takes (each
 * architecture's port says which), and get_run_delay() (the vCPU thread's {@code sched_info.run_delay},
 * /proc/self/schedstat) is the scheduler's {@link Machine#stealNanos}, read when the ucall arrives. The selftest's
 * do_steal_time thread pinned to the vCPU's CPU is a second vCPU spinning at {@code steal} on the only physical CPU;
 * a quantum of 200 instructions at 1 ms each makes every preemption MIN_RUN_DELAY_NS long.
 */
final class StealTimeRun {
    static final int NR_VCPUS = 4;
    static final long ST_GPA_BASE = 1L << 30;
    /** STEAL_TIME_SIZE: every architecture's record rounded to 64 bytes. */
    static final int STEAL_TIME_SIZE = 64;
    /** MIN_RUN_DELAY_NS (test_util.h). */
    static final long MIN_RUN_DELAY_NS = 200_000_000L;

    /** One ucall as the host saw it: what the guest passed, and get_run_delay() at that moment. */
    record Ucall(List<Long> args, long runDelay) {
        long arg(int i) {
            return args.get(i);
        }
    }

    /** How the port's guest makes a ucall: the stage and data the guest passed, or null for an exit that is none. */
    @FunctionalInterface
    interface Transport {
        List<Long> ucall(TrapResult exit, RegisterFile regs);
    }

    private StealTimeRun() {
    }

    /**
     * Runs vCPU {@code i} from {@code guest} with the stealer on the next vCPU; the others stay off.
     * @param vm the VM, configured with one physical CPU, a 200-instruction quantum and 1 ms per instruction
     * @param guest the assembled guest: {@code guest} is vCPU i's entry, {@code steal} the stealer's loop
     * @param init steal_time_init and vcpu_args_set for vCPU i, on the machine before it runs
     * @param transport the ucall transport; args[0] is the stage (0 = SYNC(0), 1 = SYNC(1), 2 = DONE)
     * @return the three ucalls in order
     */
    static Ucall[] run(Vm vm, Program guest, int i, Consumer<Machine> init, Transport transport) {
        Machine m = new Machine(vm, "steal_time");
        m.load(guest.origin(), guest.bytes());
        int stealer = (i + 1) % NR_VCPUS;
        for (int v = 0; v < NR_VCPUS; v++) {
            m.initialState(v, v == i || v == stealer ? VcpuState.RUNNABLE : VcpuState.OFF);
        }
        m.registers(i).pc(guest.labels().get("guest"));
        m.registers(stealer).pc(guest.labels().get("steal"));
        init.accept(m);
        Ucall[] seen = new Ucall[3];
        m.host((vcpu, r) -> {
            List<Long> args = transport.ucall(r, m.registers(vcpu));
            if (args == null) {
                return HostHandler.STAY_EXITED; // run_vcpu: TEST_ASSERT(false, "Unexpected exit")
            }
            int stage = (int) (long) args.get(0);
            seen[stage] = new Ucall(args, m.stealNanos(vcpu));
            return stage == 2 ? HostHandler.STAY_EXITED : 0;
        });
        m.run(200_000, Long.MAX_VALUE);
        for (int s = 0; s < 3; s++) {
            assertNotNull(seen[s], "vCPU" + i + " reached ucall " + s + " (" + m.stopReason(i) + ")");
        }
        return seen;
    }

    /** check_status: the field the guest passed in args[i] reads {@code expected} at SYNC(1) and at DONE. */
    static void assertStatus(Ucall[] u, int i, long expected) {
        assertEquals(expected, u[1].arg(i), "at GUEST_SYNC(1)");
        assertEquals(expected, u[2].arg(i), "at GUEST_DONE");
    }

    /** check_status: the version or sequence counter in args[i] is even at SYNC(1) and at DONE (no update in progress). */
    static void assertEven(Ucall[] u, int i) {
        assertEquals(0, u[1].arg(i) & 1, "at GUEST_SYNC(1): " + u[1].arg(i));
        assertEquals(0, u[2].arg(i) & 1, "at GUEST_DONE: " + u[2].arg(i));
    }

    /** guest_code: the version or sequence counter in args[i] grew between SYNC(1) and DONE (32 bits, unsigned). */
    static void assertGrows(Ucall[] u, int i) {
        long before = u[1].arg(i) & 0xFFFF_FFFFL;
        long after = u[2].arg(i) & 0xFFFF_FFFFL;
        assertTrue(before < after, before + " < " + after);
    }

    /** main(): TEST_ASSERT(stolen_time <= run_delay) after the second run; the guest's steal is args[steal] of SYNC(1). */
    static void assertStolenAtMostRunDelay(Ucall[] u, int steal) {
        long stolen = u[1].arg(steal);
        assertTrue(stolen <= u[1].runDelay(), "Expected stolen time <= " + u[1].runDelay() + ", got " + stolen);
    }

    /** main(): TEST_ASSERT(run_delay >= MIN_RUN_DELAY_NS) over the steal phase. */
    static void assertStealPhaseDelays(Ucall[] u) {
        long runDelay = runDelay(u);
        assertTrue(runDelay >= MIN_RUN_DELAY_NS, "Expected run_delay >= " + MIN_RUN_DELAY_NS + ", got " + runDelay);
    }

    /** main(): TEST_ASSERT(stolen_time >= run_delay): the guest's steal (args[steal]) grew by at least the steal phase's delay. */
    static void assertStolenCoversRunDelay(Ucall[] u, int steal) {
        long stolen = u[2].arg(steal) - u[1].arg(steal);
        assertTrue(stolen >= runDelay(u), "Expected stolen time >= " + runDelay(u) + ", got " + stolen);
    }

    /** The steal accumulated between SYNC(1) and DONE: the host's steal phase, as main() measures it. */
    static long runDelay(Ucall[] u) {
        return u[2].runDelay() - u[1].runDelay();
    }
}
