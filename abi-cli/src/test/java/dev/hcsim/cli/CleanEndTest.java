package dev.hcsim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every architecture's documented clean end of a guest program (docs/scenarios.md, "Ending a program"): the vCPU ends
 * halted or off, never stopped on an undecodable instruction after the program's last byte.
 */
class CleanEndTest {
    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', value = {
        // arch/x86/kvm/x86.c kvm_emulate_halt
        "x86|hlt|halted|idle",
        // arch/arm64/kvm/handle_exit.c kvm_handle_wfx
        "arm64|wfi|halted|idle",
        // arch/riscv/kvm/vcpu_insn.c wfi_insn
        "riscv|wfi|halted|idle",
        // arch/mips/kvm/emulate.c kvm_mips_emul_wait
        "mips|wait|halted|idle",
        // arch/loongarch/kvm/exit.c kvm_emu_idle
        "loongarch|idle 0|halted|idle",
        // arch/powerpc/kvm/powerpc.c kvmppc_kvm_pv: EV_HCALL_TOKEN(EV_IDLE) -> kvm_vcpu_halt (r0 = KVM_SC_MAGIC_R0)
        "ppc|lis 0,0x4b56; ori 0,0,0x4d21; li 11,16; oris 11,11,1; sc 1|halted|idle",
        // arch/s390/kvm/interrupt.c kvm_s390_handle_wait: a disabled-wait PSW goes to user space; QEMU's s390_handle_wait
        // stops the CPU, and with the quiesce address 0xfff on the last CPU shuts the VM down
        "s390|llihf %r1,0x00020001; iilf %r1,0x80000000; stg %r1,0xe10; lghi %r1,0xfff; stg %r1,0xe18; lpswe 0xe10|off|system_event"})
    void endsCleanly(String arch, String source, String state, String end, @TempDir Path dir) throws Exception {
        Path f = dir.resolve(arch + ".json");
        Files.writeString(f, "{\"vm\": {\"arch\": \"" + arch + "\", \"programs\": [{\"source\": \"" + source + "\"}]}, \"expect\": []}");
        CliTest.Run r = CliTest.hcsim("run", "--final-state", f.toString());
        assertEquals(0, r.code(), r.err());
        JsonNode vm = new ObjectMapper().readTree(r.out()).get("scenarios").get(0).get("vms").get(0);
        JsonNode cpu = vm.get("vcpus").get(0);
        assertEquals(state, cpu.get("state").asText(), cpu.toString());
        assertFalse(cpu.has("stopReason"), cpu.toString());
        assertEquals(end, vm.get("end").asText());
    }
}
