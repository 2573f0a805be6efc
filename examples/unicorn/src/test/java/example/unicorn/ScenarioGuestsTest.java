package example.unicorn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.hcsim.core.scenario.ScenarioReader;
import dev.hcsim.core.scenario.ScenarioRunner;
import dev.hcsim.core.sched.Machine;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The bundled scenarios' guests that fit Unicorn, each run twice: by hcsim's standalone machine and by Unicorn with
 * hcsim answering the traps. Every vCPU's registers and state, its hypercalls and the guest memory must agree.
 */
class ScenarioGuestsTest {
    @BeforeAll
    static void unicorn() {
        assumeTrue(Unicorn.available(), Unicorn.unavailableReason());
    }

    static Stream<Arguments> scenarios() {
        return Stream.of(
                Arguments.of("x86-pv-spinlock-kick.json", "KVM_HC_KICK_CPU"),
                Arguments.of("x86-send-ipi.json", "KVM_HC_SEND_IPI"),
                Arguments.of("x86-vmmcall-patch.json", "KVM_HC_SCHED_YIELD"),
                Arguments.of("arm64-psci-cpu-on.json", "PSCI_0_2_FN_SYSTEM_OFF"),
                Arguments.of("arm64-suspend-sgi-wakeup.json", "PSCI_0_2_FN64_CPU_SUSPEND"),
                Arguments.of("s390-discovery-and-probing.json", "KVM_S390_VIRTIO_CCW_NOTIFY"),
                Arguments.of("s390-sigp-external-call.json", "SIGP_EXTERNAL_CALL"),
                Arguments.of("s390-sigp-restart-stop.json", "SIGP_RESTART"),
                Arguments.of("src/test/resources/mips32-probe-all-vcpus.json", "KVM_HC_MIPS_EXIT_VM"),
                Arguments.of("src/test/resources/ppc32-discovery-patch.json", "KVM_HC_FEATURES"),
                Arguments.of("ppc-doorbell-broadcast.json", "msgsnd"),
                Arguments.of("ppc-idle-doorbell.json", "EV_IDLE"),
                Arguments.of("riscv-dbcn-console.json", "SBI_EXT_DBCN_CONSOLE_WRITE"),
                Arguments.of("riscv-srst-shutdown.json", "SBI_EXT_SRST_RESET"),
                Arguments.of("riscv-ipi-mask.json", "SBI_EXT_IPI_SEND_IPI"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void unicornAndHcsimAgree(String file, String call) {
        Path p = file.startsWith("src/") ? Path.of(file) : Path.of(System.getProperty("unicorn.scenarios", ".."), file);
        var scenario = ScenarioReader.read(p);
        assertTrue(ScenarioRunner.run(scenario).passed(), file + ": the scenario's own expectations fail under hcsim");
        Machine m = ScenarioRunner.build(scenario).values().iterator().next();
        UnicornVm.Host host = UnicornVm.Host.answering(scenario.vms().get(0).hostReturns());
        List<Differential.Side> sides = Differential.run(m, 20_000, 50, u -> {
            u.host(host);
            u.run(20_000);
        });
        Differential.Side unicorn = sides.get(1);
        System.out.println(file + " on Unicorn " + Unicorn.version() + ", hcsim answering:");
        unicorn.log().forEach(l -> System.out.println("  " + l));
        List<String> diff = Differential.compare(m.vm(), sides.get(0), unicorn);
        assertEquals(List.of(), diff, file + ": hcsim and Unicorn disagree");
        assertFalse(unicorn.log().stream().noneMatch(l -> l.contains(call)), call + " did not reach hcsim under Unicorn");
    }
}
