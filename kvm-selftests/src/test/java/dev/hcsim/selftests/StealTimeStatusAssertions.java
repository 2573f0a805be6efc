package dev.hcsim.selftests;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * steal_time.c's {@code check_status} and {@code guest_code} assertions for the architectures whose record is
 * {@code struct kvm_steal_time} (x86, LoongArch): version at ucall argument 1, flags at 2, preempted at 3, the version
 * read after the steal phase at 5. Each assertion is run for each of the selftest's four vCPUs.
 */
abstract class StealTimeStatusAssertions extends StealTimeMainAssertions {
    @ParameterizedTest(name = "vcpu{0}")
    @ValueSource(ints = {0, 1, 2, 3})
    @DisplayName("steal_time.c check_status: GUEST_ASSERT(!(READ_ONCE(st->version) & 1)), before and after the steal phase")
    void versionEven(int i) {
        StealTimeRun.assertEven(ucalls(i), 1);
    }

    @ParameterizedTest(name = "vcpu{0}")
    @ValueSource(ints = {0, 1, 2, 3})
    @DisplayName("steal_time.c check_status: GUEST_ASSERT_EQ(READ_ONCE(st->flags), 0)")
    void flagsZero(int i) {
        StealTimeRun.assertStatus(ucalls(i), 2, 0);
    }

    @ParameterizedTest(name = "vcpu{0}")
    @ValueSource(ints = {0, 1, 2, 3})
    @DisplayName("steal_time.c check_status: GUEST_ASSERT_EQ(READ_ONCE(st->preempted), 0)")
    void preemptedZero(int i) {
        StealTimeRun.assertStatus(ucalls(i), 3, 0);
    }

    @ParameterizedTest(name = "vcpu{0}")
    @ValueSource(ints = {0, 1, 2, 3})
    @DisplayName("steal_time.c guest_code: GUEST_ASSERT(version < READ_ONCE(st->version))")
    void versionGrows(int i) {
        StealTimeRun.assertGrows(ucalls(i), 5);
    }
}
