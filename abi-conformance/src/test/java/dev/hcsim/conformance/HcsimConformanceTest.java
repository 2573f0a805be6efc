package dev.hcsim.conformance;

/**
 * hcsim's own handler, taken through the adapter exactly as a third party's would be (instruction
 * bytes passed in, a fresh VM per call), must pass the whole kit for every architecture: golden cases
 * and generated calls compared with the oracle, which fetches the instruction from guest memory.
 */
class HcsimConformanceTest extends TrapHandlerConformance {
    @Override
    protected TrapHandler handler() {
        return TrapHandler.hcsim();
    }
}
