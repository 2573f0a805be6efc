package example.toy;

import dev.hcsim.conformance.TrapHandler;
import dev.hcsim.conformance.TrapHandlerConformance;
import dev.hcsim.core.RegisterLayout;
import dev.hcsim.core.Vm;
import java.util.List;

/**
 * hcsim's conformance kit, run against the toy's hypercall path: every golden case and a few hundred
 * generated x86 calls must come out of the toy exactly as out of hcsim's own model. The adapter moves
 * the kit's registers into the toy's own fields by name (the toy's decoder numbering), calls the toy's
 * integration point, and moves them back, so a wrong register mapping in {@link ToyCpu} is caught.
 */
class ToyHandlerConformanceTest extends TrapHandlerConformance {
    @Override
    protected TrapHandler handler() {
        return (config, vcpu, instruction, registers, memory, control) -> {
            Vm vm = Vm.create(config);
            RegisterLayout layout = vm.architecture().registers();
            ToyCpu cpu = new ToyCpu(layout);
            for (int i = 0; i < ToyCpu.GPR_NAMES.size(); i++) {
                cpu.gpr[i] = registers.get(layout.indexOf(ToyCpu.GPR_NAMES.get(i)));
            }
            cpu.rflags = registers.get(layout.indexOf("rflags"));
            cpu.cpl = (int) registers.get(layout.indexOf("cpl"));
            cpu.lma = registers.get(layout.indexOf("efer.lma")) != 0;
            cpu.csL = registers.get(layout.indexOf("cs.l")) != 0;
            cpu.pe = registers.get(layout.indexOf("cr0.pe")) != 0;
            cpu.rip = registers.pc();
            var result = ToyMachine.trap(vm, vcpu, cpu, memory, control);
            for (int i = 0; i < ToyCpu.GPR_NAMES.size(); i++) {
                registers.set(layout.indexOf(ToyCpu.GPR_NAMES.get(i)), cpu.gpr[i]);
            }
            registers.set(layout.indexOf("rflags"), cpu.rflags);
            registers.set(layout.indexOf("cpl"), cpu.cpl);
            registers.set(layout.indexOf("efer.lma"), cpu.lma ? 1 : 0);
            registers.set(layout.indexOf("cs.l"), cpu.csL ? 1 : 0);
            registers.set(layout.indexOf("cr0.pe"), cpu.pe ? 1 : 0);
            registers.pc(cpu.rip);
            return TrapHandler.Answer.of(result); // the outcome with its exit payload or fault, compared by the kit
        };
    }

    @Override
    protected List<String> architectures() {
        return List.of("x86");
    }
}
