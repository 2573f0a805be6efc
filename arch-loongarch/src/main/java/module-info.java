/**
 * hcsim's LoongArch64 architecture: HVCL 0x100 service calls (PV IPI, steal-time NOTIFY), HVCL
 * 0x101 / 0x102, CPUCFG 0x40000000 discovery, and the steal-time record kept from the scheduler.
 */
module dev.hcsim.arch.loongarch {
    requires dev.hcsim.core;

    exports dev.hcsim.arch.loongarch;

    provides dev.hcsim.core.spi.Architecture with dev.hcsim.arch.loongarch.LoongArchArchitecture;
}
