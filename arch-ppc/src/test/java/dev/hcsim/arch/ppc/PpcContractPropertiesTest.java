package dev.hcsim.arch.ppc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.hcsim.core.Outcome;
import dev.hcsim.core.RegisterFile;
import dev.hcsim.core.Status;
import dev.hcsim.core.TrapContract;
import dev.hcsim.core.TrapResult;
import dev.hcsim.core.Vm;
import dev.hcsim.core.engine.Engine;
import dev.hcsim.core.sched.Machine;
import dev.hcsim.core.spi.HypercallSpec;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/** Contract properties over all register values (powerpc.c kvmppc_kvm_pv; book3s_pr.c / booke.c trap classification). */
class PpcContractPropertiesTest {
    static final long PC = 0x1000;
    static final String[] HOSTS = {"book3s-pr", "booke-hv", "booke-pr"};
    static final long[] KNOWN = {0x2A0003, 0x2A0004, 0x10010};

    /** A token: sometimes a known one (with random upper bits), sometimes anything. */
    static Gen<Long> tokens() {
        return integers().between(0, 3).zip(longs().all(), (k, v) -> k < 3 ? (v & 0xFFFF_FFFF_0000_0000L) | KNOWN[k] : v);
    }

    static final class Run {
        final RegisterFile before = new RegisterFile(PpcRegisters.LAYOUT);
        RegisterFile after;
        TrapResult result;
    }

    static Run run(String host, int mode, List<Long> values, long token) {
        Vm vm = Vm.create(PpcTestSupport.config("host", host, "mode", mode == 0 ? "64" : "32").vcpus(2).build());
        Machine m = new Machine(vm, "p");
        String insn = host.equals("booke-hv") ? "sc 1" : "sc";
        m.load(PC, vm.assemble(insn, PC).bytes());
        RegisterFile regs = m.registers(0);
        regs.pc(PC);
        for (int i = 0; i < 32; i++) {
            regs.set(i, values.get(i));
        }
        regs.set(0, (values.get(0) & 0xFFFF_FFFF_0000_0000L) | PpcTestSupport.MAGIC);
        regs.set(11, token);
        Run r = new Run();
        r.before.copyFrom(regs);
        r.result = vm.trap(0, regs, m.memory(), m);
        r.after = regs;
        return r;
    }

    static Gen<List<Long>> registerValues() {
        return lists().of(longs().all()).ofSize(32);
    }

    @Test
    @DisplayName("property: only the contract's result registers and the PC change, for all register values; KVM writes only r3 and r4 (powerpc.c kvmppc_kvm_pv)")
    void onlyResultsChange() {
        TrapContract c = PpcContract.CONTRACT;
        qt().withExamples(200).forAll(integers().between(0, 5), registerValues(), tokens()).checkAssert((hm, vals, tok) -> {
            Run r = run(HOSTS[hm % 3], hm / 3, vals, tok);
            assertNotNull(r.result.status());
            for (int i = 0; i < PpcRegisters.LAYOUT.size(); i++) {
                boolean changed = r.before.get(i) != r.after.get(i);
                if (changed) {
                    assertTrue(c.isResult(i), PpcRegisters.LAYOUT.name(i) + " is not a result register");
                    assertTrue(i == 3 || i == 4, "KVM wrote " + PpcRegisters.LAYOUT.name(i));
                }
            }
            assertEquals(PC + 4, r.after.pc());
        });
    }

    @Test
    @DisplayName("property: every status is a documented EV_* code and r3 holds its value; KVM answers only EV_SUCCESS or EV_UNIMPLEMENTED")
    void everyStatusIsDocumented() {
        qt().withExamples(200).forAll(integers().between(0, 5), registerValues(), tokens()).checkAssert((hm, vals, tok) -> {
            Run r = run(HOSTS[hm % 3], hm / 3, vals, tok);
            Status s = r.result.status();
            assertTrue(PpcStatus.EV.documents(s), String.valueOf(s));
            assertEquals(PpcStatus.EV.encode(s), r.after.get(3));
            assertTrue(s == Status.SUCCESS || s == Status.NOT_IMPLEMENTED);
            HypercallSpec spec = Engine.context(Vm.create(PpcTestSupport.config().build())).hypercalls().lookup(tok & 0xFFFF_FFFFL);
            if (spec != null) {
                assertTrue(spec.statuses().contains(s));
            }
        });
    }

    @Test
    @DisplayName("property: tokens KVM does not implement answer EV_UNIMPLEMENTED (12) with r4 = 0 (powerpc.c default case)")
    void unknownTokensAreUnimplemented() {
        qt().withExamples(200).forAll(integers().between(0, 5), registerValues(), longs().all()).assuming((hm, vals, tok) -> {
            long t = tok & 0xFFFF_FFFFL;
            return t != 0x2A0003 && t != 0x2A0004 && t != 0x10010;
        }).checkAssert((hm, vals, tok) -> {
            Run r = run(HOSTS[hm % 3], hm / 3, vals, tok);
            assertEquals(Outcome.RESUME, r.result.outcome());
            assertEquals(Status.NOT_IMPLEMENTED, r.result.status());
            assertEquals(PpcStatus.EV_UNIMPLEMENTED, r.after.get(3));
            assertEquals(0, r.after.get(4));
        });
    }

    @Test
    @DisplayName("property: KVM_HC_FEATURES gives the host flavour's mask in r4 whatever the other registers hold")
    void featuresMaskPerHost() {
        qt().withExamples(200).forAll(integers().between(0, 5), registerValues()).checkAssert((hm, vals) -> {
            String host = HOSTS[hm % 3];
            Run r = run(host, hm / 3, vals, 0x2A0003);
            assertEquals(0, r.after.get(3));
            assertEquals(host.equals("booke-hv") ? 0 : 2, r.after.get(4));
        });
    }

    @Test
    @DisplayName("property: Vm.trap never throws, whatever the instruction word, the registers (MSR included) and the host flavour")
    void trapIsTotal() {
        qt().withExamples(200).forAll(integers().between(0, 2), integers().all(), registerValues(), longs().all()).checkAssert((h, word, vals, msr) -> {
            Vm vm = Vm.create(PpcTestSupport.config("host", HOSTS[h]).feature("papr", (word & 1) != 0).feature("osi", (word & 2) != 0).vcpus(2)
                    .build());
            Machine m = new Machine(vm, "p");
            byte[] b = new byte[4];
            dev.hcsim.core.Bytes.put(b, 0, 4, (word & 4) != 0 ? 0x44000002L | ((word >>> 8) & 0x7F) << 5 : word & 0xFFFFFFFFL, true);
            m.load(PC, b);
            RegisterFile regs = m.registers(0);
            regs.pc(PC);
            for (int i = 0; i < 32; i++) {
                regs.set(i, vals.get(i));
            }
            regs.set(PpcRegisters.MSR, msr);
            TrapResult t = vm.trap(0, regs, m.memory(), m);
            assertNotNull(t.outcome());
            if (t.status() != null) {
                assertTrue(PpcStatus.EV.documents(t.status()));
            }
        });
    }

    @Test
    @DisplayName("the hypercall table lists exactly the kernel's three calls plus the ePAPR hcalls KVM leaves unimplemented, in token order")
    void tableInTokenOrder() {
        List<HypercallSpec> all = new PpcArchitecture().hypercalls();
        for (int i = 1; i < all.size(); i++) {
            assertTrue(all.get(i - 1).number() < all.get(i).number());
        }
        long implemented = all.stream().filter(s -> s.availability().equals("implemented")).count();
        assertEquals(3, implemented);
        assertEquals(0x10010, all.stream().filter(s -> s.name().equals("EV_IDLE")).findFirst().orElseThrow().number());
    }

    @Test
    @DisplayName("PpcHypercalls.specs(): each token is vendor << 16 | number (_EV_HCALL_TOKEN, arch/powerpc/include/uapi/asm/epapr_hcalls.h), "
            + "the ePAPR names under vendor 1 with number 8 unnamed, the generic KVM_HC_* under vendor 42, ascending, each once")
    void specsBuiltFromTokens() {
        assertEquals(0x2A_0003L, PpcHypercalls.token(42, 3));
        assertEquals(0x1_FFFFL, PpcHypercalls.token(1, 0xFFFF));
        List<HypercallSpec> all = PpcHypercalls.specs();
        java.util.Map<Long, String> byToken = new java.util.TreeMap<>();
        for (HypercallSpec s : all) {
            assertEquals(null, byToken.put(s.number(), s.name()), "token 0x" + Long.toHexString(s.number()) + " listed once");
        }
        assertEquals(List.copyOf(byToken.keySet()), all.stream().map(HypercallSpec::number).toList(), "in token order");
        assertEquals("EV_BYTE_CHANNEL_SEND", byToken.get(0x1_0001L));
        assertEquals("EV_MSGSND", byToken.get(0x1_000FL));
        assertEquals("EV_IDLE", byToken.get(0x1_0010L));
        assertTrue(!byToken.containsKey(0x1_0008L) && !byToken.containsKey(0x1_0000L), "no ePAPR hcall 0 or 8");
        assertEquals("KVM_HC_VAPIC_POLL_IRQ", byToken.get(0x2A_0001L));
        assertEquals("KVM_HC_MAP_GPA_RANGE", byToken.get(0x2A_000CL));
        assertEquals("KVM_HC_FEATURES", byToken.get(0x2A_0003L));
        assertEquals("KVM_HC_PPC_MAP_MAGIC_PAGE", byToken.get(0x2A_0004L));
        assertEquals(14 + 1 + 2 + 10, all.size(), "14 ePAPR + EV_IDLE + the 2 PowerPC calls + 10 generic numbers");
    }
}
