package dev.hcsim.conformance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.hcsim.core.KvmControl;
import dev.hcsim.core.KvmException;
import dev.hcsim.core.MemoryRegion;
import dev.hcsim.core.MsrEntry;
import dev.hcsim.core.Outcome;
import dev.hcsim.core.RegisterFile;
import dev.hcsim.core.SparseMemory;
import dev.hcsim.core.TrapResult;
import dev.hcsim.core.VcpuControl;
import dev.hcsim.core.VcpuState;
import dev.hcsim.core.Vm;
import dev.hcsim.core.VmConfig;
import dev.hcsim.core.VmSnapshot;
import dev.hcsim.core.engine.Engine;
import dev.hcsim.core.scenario.SnapshotJson;
import dev.hcsim.core.sched.SingleCall;
import dev.hcsim.core.spi.HypercallSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 14 item 6: for random call sequences, a snapshot taken part-way and restored (through its
 * JSON form) into a fresh VM of the same configuration gives the same future as the VM it was taken
 * from: the same outcome, status and registers after every call, the same guest memory and the same
 * effects on other vCPUs. The guest's registers and memory are the embedder's and are copied beside
 * the snapshot, as a VMM does.
 */
class SnapshotPropertyTest {
    private static final int VCPUS = 3;

    /** A VcpuControl whose answers and effects are a deterministic function of what it was told. */
    static final class Recorder implements VcpuControl {
        final VcpuState[] states = new VcpuState[VCPUS];
        final List<String> log = new ArrayList<>();
        long now;

        Recorder() {
            Arrays.fill(states, VcpuState.RUNNABLE);
        }

        Recorder copy() {
            Recorder r = new Recorder();
            System.arraycopy(states, 0, r.states, 0, VCPUS);
            r.now = now;
            return r;
        }

        @Override
        public VcpuState state(int vcpu) {
            return states[vcpu];
        }

        @Override
        public void kick(int vcpu) {
            log.add("kick " + vcpu);
            if (states[vcpu] == VcpuState.HALTED) {
                states[vcpu] = VcpuState.RUNNABLE;
            }
        }

        @Override
        public void interrupt(int vcpu, int vector) {
            log.add("interrupt " + vcpu + " " + vector);
        }

        @Override
        public boolean start(int vcpu, long entry, int contextRegister, long context) {
            log.add("start " + vcpu + " 0x" + Long.toHexString(entry) + " " + contextRegister + " 0x" + Long.toHexString(context));
            boolean off = states[vcpu] == VcpuState.OFF;
            states[vcpu] = VcpuState.RUNNABLE;
            return off;
        }

        @Override
        public void stop(int vcpu) {
            log.add("stop " + vcpu);
            states[vcpu] = VcpuState.OFF;
        }

        @Override
        public long nowNanos() {
            return now;
        }
    }

    /** One VM with the embedder's side of it: registers, memory, control. */
    static final class Rig {
        final Vm vm;
        final RegisterFile[] regs = new RegisterFile[VCPUS];
        final SparseMemory mem;
        Recorder control = new Recorder();
        final byte[] insn;

        Rig(VmConfig config) {
            vm = Vm.create(config);
            mem = new SparseMemory(config.memory());
            for (int v = 0; v < VCPUS; v++) {
                regs[v] = new RegisterFile(vm.architecture().registers());
                vm.resetVcpu(v, regs[v]);
            }
            insn = SingleCall.instructionBytes(vm, null);
            mem.write(vm.architecture().defaultEntry(), insn, 0, insn.length);
        }

        /** The other rig's registers, memory and control state, copied into this one. */
        void copyGuestFrom(Rig o) {
            for (int v = 0; v < VCPUS; v++) {
                regs[v].copyFrom(o.regs[v]);
            }
            for (MemoryRegion r : o.mem.regions()) {
                byte[] b = new byte[(int) r.size()];
                o.mem.read(r.base(), b, 0, b.length);
                mem.write(r.base(), b, 0, b.length);
            }
            control = o.control.copy();
        }

        /** One call: registers from the step, then the trap; an exit to the host is answered at once with {@code hostReturn}. */
        String step(long[] s) {
            int v = (int) s[0];
            if (s[10] != 0) {
                return control(v, s);
            }
            RegisterFile r = regs[v];
            r.pc(vm.architecture().defaultEntry());
            if (vm.architecture().name().equals("ppc")) {
                r.set("r0", 0x4B56_4D21L); // KVM_SC_MAGIC_R0: sc from the guest kernel is a KVM hypercall only with it
            }
            if (vm.architecture().name().equals("riscv")) {
                r.set("a7", s[1] >>> 32); // the table's number is EID << 32 | FID (RiscvHypercalls.key)
                r.set("a6", s[1] & 0xFFFF_FFFFL);
            } else {
                r.set(vm.contract().numberRegister(), s[1]);
            }
            for (int i = 0; i < vm.contract().argumentCount(); i++) {
                r.set(vm.contract().argumentRegister(i), s[2 + i]);
            }
            control.now = s[8];
            TrapResult t = vm.trap(v, r, mem, control);
            String what = t.outcome() + " " + t.status() + " " + t.callName();
            if (t.outcome() == Outcome.EXIT_TO_HOST) {
                vm.completeExit(v, r, mem, s[9]);
                what += " exit completed";
            }
            return what;
        }

        /** A VMM-side control between two calls, through Vm.control(), with KVM's answer. */
        String control(int v, long[] s) {
            KvmControl c = vm.control();
            long pick = s[2] & 3;
            long value = s[3];
            long gpa = s[4] & ~1L;
            try {
                switch (vm.architecture().name()) {
                    case "x86" -> {
                        long[] msrs = {0x11, 0x12, 0x4b564d00L, 0x4b564d01L, 0x4b564d02L, 0x4b564d03L, 0x4b564d04L, 0x4b564d05L, 0x4b564d06L};
                        return "msrs " + c.setMsrs(v, new MsrEntry(msrs[(int) Math.floorMod(value, msrs.length)], pick == 0 ? value : gpa | 1));
                    }
                    case "arm64" -> {
                        if (pick == 0) {
                            c.setOneReg(v, 0x6030_0000_0016_0000L + (value & 3), value & 7);
                        } else if (pick == 1) {
                            byte[] f = java.nio.ByteBuffer.allocate(24).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt((int) (0x8600_0000L + (value & 0xFF)))
                                    .putInt(1 + (int) (s[5] & 7)).put((byte) (s[6] & 3)).array();
                            c.setDeviceAttr(0, 0, f);
                        } else {
                            c.setVcpuAttr(v, 2, 0, KvmControl.u64(gpa & ~63L));
                        }
                    }
                    case "loongarch" -> c.setVcpuAttr(v, 1, 0, KvmControl.u64((gpa & ~63L) | (pick & 1)));
                    case "s390" -> {
                        if (pick == 0) {
                            c.setSyncReg(v, 1L << 12, value);
                        } else {
                            c.setOneReg(v, 0x5030_0000_0000_0004L + pick, value);
                        }
                    }
                    case "riscv" -> {
                        // KVM_SET_ONE_REG: an SBI_EXT switch (-EBUSY once the vCPU ran), STA shmem_lo, or an FWFT register
                        if (pick == 0) {
                            c.setOneReg(v, 0x8030_0000_0800_0000L + Math.floorMod(value, 15), s[5] & 1);
                        } else if (pick == 1) {
                            c.setOneReg(v, 0x8030_0000_0900_0000L, (s[5] & 1) == 0 ? gpa & ~63L : -1L);
                        } else {
                            c.setOneReg(v, 0x8030_0000_0901_0000L + Math.floorMod(value, 9), s[5] & 0x1F);
                        }
                    }
                    default -> {
                        return "no controls";
                    }
                }
                return "ok";
            } catch (KvmException e) {
                return e.ioctl() + " " + e.errno();
            }
        }
    }

    /** A step: vCPU, number, 6 arguments, the clock, the host's answer to an exit, and whether it is a VMM control instead. */
    static long[] randomStep(SplittableRandom rnd, List<HypercallSpec> specs, long memEnd) {
        long[] s = new long[11];
        s[0] = rnd.nextInt(VCPUS);
        s[1] = rnd.nextInt(8) == 0 ? rnd.nextLong() : specs.get(rnd.nextInt(specs.size())).number();
        for (int i = 2; i < 8; i++) {
            s[i] = switch (rnd.nextInt(4)) {
                case 0 -> rnd.nextInt(4);
                case 1 -> (rnd.nextLong(memEnd) & ~63L) | (rnd.nextBoolean() ? 1 : 0); // a GPA, maybe with an enable bit
                case 2 -> rnd.nextLong();
                default -> rnd.nextInt(VCPUS);
            };
        }
        s[8] = rnd.nextLong(1_000_000_000L);
        s[9] = rnd.nextInt(3) - 1;
        s[10] = rnd.nextInt(4) == 0 ? 1 : 0;
        return s;
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"arm64", "x86", "loongarch", "mips", "s390", "ppc", "riscv"})
    @DisplayName("snapshot, JSON, restore into a fresh VM: the same future for random call sequences")
    void sameFuture(String arch) {
        VmConfig.Builder cb = VmConfig.builder(arch).vcpus(VCPUS).memory(0, 0x10000).seed(7);
        if (arch.equals("riscv")) {
            // a host PMU and FWFT features, so that the PMU counters and FWFT state are there to save; SUSP on
            cb.option("host-pmu", "sscofpmf").option("fwft-misaligned", "yes").option("svadu", "yes").option("pmlen", "7,16").feature("sbi-susp", true);
        }
        VmConfig config = cb.build();
        List<HypercallSpec> specs = Engine.context(Vm.create(config)).architecture().hypercalls();
        VmSnapshot fresh = Vm.create(config).snapshot();
        java.util.concurrent.atomic.AtomicInteger changed = new java.util.concurrent.atomic.AtomicInteger();
        qt().withExamples(40).forAll(longs().all()).checkAssert(seed -> {
            SplittableRandom rnd = new SplittableRandom(seed);
            Rig a = new Rig(config);
            int before = 1 + rnd.nextInt(12);
            for (int i = 0; i < before; i++) {
                a.step(randomStep(rnd, specs, 0x10000));
            }
            VmSnapshot snap = a.vm.snapshot();
            if (!snap.vm().equals(fresh.vm()) || !snap.vcpus().equals(fresh.vcpus())) {
                changed.incrementAndGet();
            }
            VmSnapshot viaJson = SnapshotJson.read(SnapshotJson.write(snap));
            assertEquals(snap, viaJson, "JSON round trip");
            Rig b = new Rig(config);
            b.vm.restore(viaJson);
            b.copyGuestFrom(a);
            assertEquals(snap, b.vm.snapshot(), "the restored VM's own snapshot");
            a.control.log.clear();
            for (int i = 0; i < 12; i++) {
                long[] s = randomStep(rnd, specs, 0x10000);
                assertEquals(a.step(s), b.step(s), "call " + i + " after the snapshot: " + Arrays.toString(s));
                for (int v = 0; v < VCPUS; v++) {
                    assertArrayEquals(a.regs[v].snapshot(), b.regs[v].snapshot(), "vCPU " + v + " registers after call " + i);
                }
            }
            assertEquals(a.control.log, b.control.log, "effects on other vCPUs");
            byte[] ma = new byte[0x10000];
            byte[] mb = new byte[0x10000];
            a.mem.read(0, ma, 0, ma.length);
            b.mem.read(0, mb, 0, mb.length);
            assertArrayEquals(ma, mb, "guest memory");
            assertEquals(a.vm.snapshot(), b.vm.snapshot(), "the state after the same future");
        });
        // The property says something only when the calls before the snapshot changed the state it carries.
        org.junit.jupiter.api.Assertions.assertTrue(changed.get() > 0, "no example changed " + arch + "'s hypercall state before its snapshot");
    }

    @org.junit.jupiter.api.Test
    @DisplayName("a snapshot refuses a pending exit, another architecture, another vCPU count and another format version")
    void refusals() {
        Vm x86 = Vm.create(VmConfig.builder("x86").vcpus(2).build());
        VmSnapshot s = x86.snapshot();
        assertThrows(IllegalArgumentException.class, () -> Vm.create(VmConfig.builder("arm64").vcpus(2).build()).restore(s));
        assertThrows(IllegalArgumentException.class, () -> Vm.create(VmConfig.builder("x86").vcpus(3).build()).restore(s));
        String json = SnapshotJson.write(s);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SnapshotJson.read(json.replace("\"format\" : 1",
                "\"format\" : 2")));
        assertEquals("snapshot format 2 is not supported (this hcsim reads format 1)", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SnapshotJson.read("[1]"));
        Vm exits = Vm.create(VmConfig.builder("x86").vcpus(1).feature("exit-hypercall", true).build());
        Rig r = new Rig(VmConfig.builder("x86").vcpus(VCPUS).feature("exit-hypercall", true).build());
        r.regs[0].pc(r.vm.architecture().defaultEntry());
        r.regs[0].set(r.vm.contract().numberRegister(), 12);
        r.regs[0].set(r.vm.contract().argumentRegister(0), 0x1000);
        r.regs[0].set(r.vm.contract().argumentRegister(1), 1);
        assertEquals(Outcome.EXIT_TO_HOST, r.vm.trap(0, r.regs[0], r.mem, r.control).outcome());
        assertThrows(IllegalStateException.class, r.vm::snapshot);
        r.vm.completeExit(0, r.regs[0], r.mem, 0);
        r.vm.snapshot();
        assertEquals(0, exits.snapshot().vcpus().get(0).num("msrKvmStealTime"));
    }
}
