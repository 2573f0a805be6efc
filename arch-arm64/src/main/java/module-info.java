/**
 * hcsim's arm64 architecture: SMCCC over HVC and SMC, PSCI, TRNG, PV time, the KVM vendor
 * hypervisor services and the PV-lock interface of the 2022 RFC (as an option).
 */
module dev.hcsim.arch.arm64 {
    requires dev.hcsim.core;
    requires com.google.common;

    exports dev.hcsim.arch.arm64;

    provides dev.hcsim.core.spi.Architecture with dev.hcsim.arch.arm64.Arm64Architecture;
}
