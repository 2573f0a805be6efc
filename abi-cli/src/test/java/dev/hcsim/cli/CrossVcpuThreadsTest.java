package dev.hcsim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hcsim.core.GuestMemory;
import dev.hcsim.core.RegisterAccess;
import dev.hcsim.core.RegisterFile;
import dev.hcsim.core.VcpuControl;
import dev.hcsim.core.VcpuState;
import dev.hcsim.core.Vm;
import dev.hcsim.core.VmConfig;
import dev.hcsim.core.sched.Machine;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The documented threading rule holds on every architecture: a {@link Vm} may be shared by threads that each run
 * different vCPUs. No trap touches another vCPU's registers from the sender's thread; effects on another vCPU go
 * through {@link VcpuControl} ({@code onVcpu}: QEMU's run_on_cpu, KVM's request bits served by the target).
 */
class CrossVcpuThreadsTest {
    /** Guest RAM shared by every vCPU thread (synchronized: the embedder's memory is thread-safe). */
    static final class Ram implements GuestMemory {
        final byte[] ram = new byte[0x100000];

        @Override
        public synchronized boolean read(long gpa, byte[] dst, int off, int len) {
            if (gpa < 0 || gpa + len > ram.length) {
                return false;
            }
            System.arraycopy(ram, (int) gpa, dst, off, len);
            return true;
        }

        @Override
        public synchronized boolean write(long gpa, byte[] src, int off, int len) {
            if (gpa < 0 || gpa + len > ram.length) {
                return false;
            }
            System.arraycopy(src, off, ram, (int) gpa, len);
            return true;
        }
    }

    /** One vCPU's registers, owned by one thread: every access from another thread is counted. */
    static final class OwnedRegisters implements RegisterAccess {
        final RegisterFile file;
        final AtomicInteger foreign;
        volatile Thread owner;

        OwnedRegisters(RegisterFile file, AtomicInteger foreign) {
            this.file = file;
            this.foreign = foreign;
        }

        private void check() {
            if (Thread.currentThread() != owner) {
                foreign.incrementAndGet();
            }
        }

        @Override
        public long get(int reg) {
            check();
            return file.get(reg);
        }

        @Override
        public void set(int reg, long value) {
            check();
            file.set(reg, value);
        }

        @Override
        public long pc() {
            check();
            return file.pc();
        }

        @Override
        public void pc(long value) {
            check();
            file.pc(value);
        }
    }

    /**
     * An embedder's control for one thread per vCPU: an action for another vCPU is queued for that vCPU's thread and
     * waited for (while the waiting thread serves its own queue, so two vCPUs signalling each other do not deadlock).
     */
    static final class ThreadedControl implements VcpuControl {
        final OwnedRegisters[] regs;
        final VcpuState[] state;
        final List<ConcurrentLinkedQueue<Runnable>> queues = new ArrayList<>();
        final int self;

        ThreadedControl(OwnedRegisters[] regs, VcpuState[] state, List<ConcurrentLinkedQueue<Runnable>> queues, int self) {
            this.regs = regs;
            this.state = state;
            this.queues.addAll(queues);
            this.self = self;
        }

        void serve() {
            Runnable r;
            while ((r = queues.get(self).poll()) != null) {
                r.run();
            }
        }

        // no @Override: the same test compiles against a VcpuControl without onVcpu, and then counts the foreign writes
        public boolean onVcpu(int vcpu, Consumer<RegisterAccess> action) {
            if (vcpu == self) {
                action.accept(regs[vcpu]);
                return true;
            }
            CountDownLatch done = new CountDownLatch(1);
            queues.get(vcpu).add(() -> {
                action.accept(regs[vcpu]);
                done.countDown();
            });
            while (done.getCount() > 0) {
                serve();
                Thread.onSpinWait();
            }
            return true;
        }

        @Override
        public synchronized VcpuState state(int vcpu) {
            synchronized (state) {
                return state[vcpu];
            }
        }

        @Override
        public void kick(int vcpu) {
        }

        @Override
        public void interrupt(int vcpu, int vector) {
        }

        @Override
        public boolean start(int vcpu, long entry, int contextRegister, long context) {
            synchronized (state) {
                if (state[vcpu] != VcpuState.OFF) {
                    return false;
                }
                state[vcpu] = VcpuState.RUNNABLE;
            }
            return true;
        }

        @Override
        public void stop(int vcpu) {
            synchronized (state) {
                state[vcpu] = VcpuState.OFF;
            }
        }

        @Override
        public long nowNanos() {
            return 0;
        }
    }

    /**
     * Runs {@code threads} vCPUs of {@code config}, one thread each; every thread takes {@code traps} traps that
     * {@code setup} prepares (its own registers, on its own thread) and serves the actions queued for its vCPU.
     * @return how many register accesses came from a thread that does not own the vCPU
     */
    private static int run(VmConfig config, int threads, int traps, String[] program, TrapSetup setup) throws Exception {
        return run(config, threads, traps, program, setup, (vm, v, own) -> {
        });
    }

    /** As above; {@code init} runs once on each vCPU's own thread after its reset. */
    private static int run(VmConfig config, int threads, int traps, String[] program, TrapSetup setup, Init init) throws Exception {
        Vm vm = Vm.create(config);
        Ram ram = new Ram();
        AtomicInteger foreign = new AtomicInteger();
        OwnedRegisters[] regs = new OwnedRegisters[threads];
        VcpuState[] state = new VcpuState[threads];
        List<ConcurrentLinkedQueue<Runnable>> queues = new ArrayList<>();
        long[][] at = new long[program.length][];
        for (int i = 0; i < threads; i++) {
            regs[i] = new OwnedRegisters(new RegisterFile(vm.architecture().registers()), foreign);
            state[i] = VcpuState.RUNNING;
            queues.add(new ConcurrentLinkedQueue<>());
        }
        for (int p = 0; p < program.length; p++) {
            long pc = 0x80000 + 0x100L * p;
            byte[] code = vm.assemble(program[p], pc).bytes();
            ram.write(pc, code, 0, code.length);
            at[p] = new long[] {pc};
        }
        CountDownLatch finished = new CountDownLatch(threads);
        List<Thread> ts = new ArrayList<>();
        List<Throwable> errors = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int i = 0; i < threads; i++) {
            int v = i;
            ThreadedControl c = new ThreadedControl(regs, state, queues, v);
            Thread t = new Thread(() -> {
                try {
                    regs[v].owner = Thread.currentThread();
                    vm.resetVcpu(v, regs[v]);
                    init.run(vm, v, regs[v]);
                    SplittableRandom rnd = new SplittableRandom(v);
                    for (int n = 0; n < traps; n++) {
                        c.serve();
                        if (c.state(v) == VcpuState.OFF) {
                            Thread.onSpinWait();
                            continue;
                        }
                        int p = rnd.nextInt(program.length);
                        vm.resetVcpu(v, regs[v]);
                        regs[v].pc(at[p][0]);
                        setup.prepare(regs[v].file, v, threads, rnd);
                        vm.trap(v, regs[v], ram, c);
                    }
                } catch (Throwable e) {
                    errors.add(e);
                } finally {
                    finished.countDown();
                    while (finished.getCount() > 0) {
                        c.serve(); // keep serving the others until every thread is done
                        Thread.onSpinWait();
                    }
                    c.serve();
                }
            }, "vcpu" + v);
            ts.add(t);
        }
        ts.forEach(Thread::start);
        for (Thread t : ts) {
            t.join(TimeUnit.SECONDS.toMillis(120));
        }
        assertTrue(errors.isEmpty(), () -> "no trap may throw: " + errors);
        return foreign.get();
    }

    @FunctionalInterface
    interface Init {
        void run(Vm vm, int vcpu, RegisterAccess own);
    }

    @FunctionalInterface
    interface TrapSetup {
        void prepare(RegisterFile r, int vcpu, int vcpus, SplittableRandom rnd);
    }

    @Test
    @DisplayName("s390 SIGP from 8 threads, each running its own vCPU: RESTART, INITIAL CPU RESET, SET PREFIX, STORE STATUS, START, "
            + "STOP AND STORE STATUS and EXTERNAL CALL never touch another vCPU's registers from the sender's thread (QEMU run_on_cpu)")
    void s390Sigp() throws Exception {
        int n = 8;
        String[] orders = {"sigp %r4,%r3,6", "sigp %r4,%r3,11", "sigp %r4,%r3,13", "sigp %r4,%r3,14", "sigp %r4,%r3,4", "sigp %r4,%r3,9",
            "sigp %r4,%r3,2", "sigp %r4,%r3,1", "sigp %r4,%r3,12"};
        int foreign = run(VmConfig.builder("s390").vcpus(n).memory(0, 0x100000).build(), n, 3000, orders, (r, v, vcpus, rnd) -> {
            r.set(3, (v + 1 + rnd.nextInt(vcpus - 1)) % vcpus); // another vCPU's address
            r.set(5, 0x20000 + 0x2000L * rnd.nextInt(8)); // SET PREFIX / STORE STATUS parameter: valid memory
        });
        assertEquals(0, foreign, "register accesses from a thread that does not run the vCPU");
    }

    @Test
    @DisplayName("ppc msgsnd (BookE HV, e500_emulate.c kvmppc_e500_emul_msgsnd) from 4 threads: the doorbell never reads the target's registers "
            + "from the sender's thread")
    void ppcMsgsnd() throws Exception {
        int n = 4;
        Vm probe = Vm.create(VmConfig.builder("ppc").option("host", "booke-hv").vcpus(n).build());
        int foreign = run(VmConfig.builder("ppc").option("host", "booke-hv").vcpus(n).memory(0, 0x100000).build(), n, 2000,
                new String[] {"msgsnd 5"}, (r, v, vcpus, rnd) -> r.set(5, probe.vcpuId((v + 1) % vcpus)),
                // the vCPU's shared page mirrors its registers (an embedder's magic-page store, on the vCPU's own thread)
                (vm, v, own) -> vm.archState(dev.hcsim.arch.ppc.PpcVm.class).magicWrite(v, own, 0x100, 4, 0));
        assertEquals(0, foreign);
    }

    @Test
    @DisplayName("two Machines around one Vm are refused with a clear error: the per-VM architecture state belongs to one guest memory")
    void twoMachinesOneVm() {
        Vm vm = Vm.create(VmConfig.builder("x86").build());
        new Machine(vm, "a");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> new Machine(vm, "b"));
        assertTrue(e.getMessage().contains("already has a Machine"), e.getMessage());
    }
}
