package dev.hcsim.conformance;

import dev.hcsim.core.EffectLog;
import dev.hcsim.core.RegisterFile;
import dev.hcsim.core.SparseMemory;
import dev.hcsim.core.TrapResult;
import dev.hcsim.core.VcpuState;
import dev.hcsim.core.Vm;
import dev.hcsim.core.VmConfig;
import dev.hcsim.core.engine.Engine;
import java.util.Map;

/**
 * Runs an {@link Invocation} the way {@code hcsim call} does (trap instruction at the default entry,
 * the other vCPUs halted or, as {@code --off} says, powered off) on hcsim itself or on a {@link TrapHandler}.
 */
final class Calls {
    private Calls() {
    }

    /** A prepared machine state: registers after reset plus the case's values, memory loaded, effect log. */
    private record Setup(Vm vm, RegisterFile regs, RegisterFile before, SparseMemory memory, RecordingMemory recording, EffectLog control) {
    }

    private static Setup setUp(Invocation inv) {
        VmConfig config = inv.config();
        Vm vm = Vm.create(config);
        RegisterFile regs = new RegisterFile(vm.architecture().registers());
        vm.resetVcpu(inv.vcpu(), regs);
        for (Map.Entry<String, Long> e : inv.registers().entrySet()) {
            regs.set(regs.layout().require(e.getKey()), e.getValue());
        }
        long at = vm.architecture().defaultEntry();
        regs.pc(at);
        SparseMemory memory = new SparseMemory(config.memory());
        memory.write(at, inv.trap(), 0, inv.trap().length);
        inv.memory().forEach((gpa, bytes) -> {
            if (!memory.write(gpa, bytes, 0, bytes.length)) {
                throw new IllegalArgumentException("preloaded memory at 0x" + Long.toHexString(gpa) + " is outside the VM");
            }
        });
        EffectLog control = new EffectLog(inv.vcpus());
        for (int i = 0; i < inv.vcpus(); i++) {
            control.state(i, i == inv.vcpu() ? VcpuState.RUNNING : inv.off().contains(i) ? VcpuState.OFF : VcpuState.HALTED);
        }
        RegisterFile before = new RegisterFile(regs.layout());
        before.copyFrom(regs);
        return new Setup(vm, regs, before, memory, new RecordingMemory(memory), control);
    }

    /** Runs the case on {@code handler}; an escaped exception is recorded, not thrown. */
    static Observation run(Invocation inv, TrapHandler handler) {
        Setup s = setUp(inv);
        TrapHandler.Answer answer = null;
        String error = null;
        try {
            answer = handler.trap(inv.config(), inv.vcpu(), inv.trap(), s.regs(), s.recording(), s.control());
            if (answer == null) {
                error = "the handler answered null";
            }
        } catch (RuntimeException | StackOverflowError e) {
            error = e.getClass().getName() + ": " + e.getMessage();
        }
        return new Observation(answer == null ? null : answer.outcome(), answer == null ? null : answer.exit(),
                answer == null ? null : answer.fault(), s.before(), s.regs(), s.memory(), s.recording().accesses(), s.control().drain(), error);
    }

    /** Runs the case on hcsim's model, fetching the instruction from guest memory as {@code hcsim call} does. */
    static OracleRun oracle(Invocation inv) {
        Setup s = setUp(inv);
        TrapResult r = null;
        String error = null;
        try {
            r = s.vm().trap(inv.vcpu(), s.regs(), s.recording(), s.control());
        } catch (RuntimeException | StackOverflowError e) {
            error = e.getClass().getName() + ": " + e.getMessage();
        }
        Observation o = new Observation(r == null ? null : r.outcome(), r == null ? null : r.exit(), r == null ? null : r.fault(), s.before(), s.regs(), s.memory(), s.recording().accesses(),
                s.control().drain(), error);
        return new OracleRun(inv, s.vm(), r == null ? null : Engine.context(s.vm()).frame(inv.vcpu()), o);
    }
}
