package dev.hcsim.core.sched;

import dev.hcsim.core.Bytes;
import dev.hcsim.core.RegisterAccess;
import dev.hcsim.core.RegisterLayout;
import dev.hcsim.core.TrapContract;
import dev.hcsim.core.TrapListener;
import dev.hcsim.core.TrapResult;
import dev.hcsim.core.Vm;
import dev.hcsim.core.spi.Instruction;
import dev.hcsim.core.spi.VmContext;
import dev.hcsim.core.trace.TraceSink;
import dev.hcsim.core.trace.TrapEvent;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The trap listener a traced machine registers: it keeps the registers before each trap and writes
 * the trap's {@link TrapEvent} (what was read, what was written, the outcome) after it.
 */
final class TrapTracer implements TrapListener {
    private final Vm vm;
    private final VmContext context;
    private final Scheduler sched;
    private final RegisterLayout layout;
    private long[] trapBefore;

    TrapTracer(Vm vm, VmContext context, Scheduler sched) {
        this.vm = vm;
        this.context = context;
        this.sched = sched;
        this.layout = vm.architecture().registers();
    }

    @Override
    public void before(int vcpu, RegisterAccess regs) {
        if (sched.sink == TraceSink.NONE) {
            return;
        }
        long[] snap = new long[layout.size() + 1];
        for (int i = 0; i < layout.size(); i++) {
            snap[i] = regs.get(i);
        }
        snap[layout.size()] = regs.pc();
        trapBefore = snap;
    }

    @Override
    public void after(int vcpu, TrapResult r, RegisterAccess regs) {
        if (sched.sink == TraceSink.NONE || trapBefore == null) {
            return;
        }
        sched.sink.accept(trapEvent(sched.time, sched.name, vm, context, vcpu, trapBefore, r, regs));
        trapBefore = null;
    }

    /**
     * Builds the trace event of one trap from the registers before ({@code before}: every register,
     * then the PC) and after it.
     */
    static TrapEvent trapEvent(long time, String vmName, Vm vm, VmContext context, int vcpu, long[] before, TrapResult r, RegisterAccess after) {
        RegisterLayout layout = vm.architecture().registers();
        TrapContract c = vm.contract();
        long pc = before[layout.size()];
        Map<String, String> read = null;
        dev.hcsim.core.spi.CallRegisters abi = context.frame(vcpu).callRegisters();
        if (abi != null) {
            // Another ABI answered (or exited): its registers, by its own names, as it read them.
            read = new LinkedHashMap<>();
            for (dev.hcsim.core.spi.CallRegisters.Entry e : abi.entries()) {
                read.put(e.name(), Bytes.hex64(e.value(before)));
            }
        } else if (r.status() != null) {
            read = new LinkedHashMap<>();
            read.put(layout.name(c.numberRegister()), Bytes.hex64(before[c.numberRegister()]));
            for (int i = 0; i < c.argumentCount(); i++) {
                int reg = c.argumentRegister(i);
                read.put(layout.name(reg), Bytes.hex64(before[reg]));
            }
        }
        Map<String, String> written = new LinkedHashMap<>();
        for (int i = 0; i < layout.size(); i++) {
            long now = after.get(i);
            if (now != before[i]) {
                written.put(layout.name(i), Bytes.hex64(now));
            }
        }
        if (after.pc() != pc) {
            written.put("pc", Bytes.hex64(after.pc()));
        }
        Instruction ins = null;
        byte[] bytes = context.frame(vcpu).instructionBytes();
        if (bytes.length > 0) {
            ins = context.codec().decode(bytes, 0, bytes.length, pc);
        }
        String detail = switch (r.outcome()) {
            case EXIT_TO_HOST -> r.exit().toString();
            case FAULT, NOT_A_HYPERCALL, INTERRUPTED -> context.frame(vcpu).faultDetail();
            case YIELD -> r.yieldTarget() >= 0 ? "to vcpu" + r.yieldTarget() : null;
            default -> null;
        };
        return new TrapEvent(time, vmName, vcpu, Bytes.hex64(pc), Bytes.hex(bytes), ins == null ? "?" : ins.text(), r.callName(),
                r.status() == null ? null : "0x" + Long.toHexString(r.number()), r.narrow() ? Boolean.TRUE : null, read, written,
                r.status() == null ? null : r.status().name(), r.statusName(), r.outcome().name(), detail);
    }
}
