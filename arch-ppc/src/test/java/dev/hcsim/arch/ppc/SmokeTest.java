package dev.hcsim.arch.ppc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.hcsim.core.sched.SingleCall;
import org.junit.jupiter.api.Test;

class SmokeTest {
    @Test
    void featuresCall() {
        SingleCall.Result r = PpcTestSupport.call(PpcTestSupport.config().build(), null,
                PpcTestSupport.regs("r0", PpcTestSupport.MAGIC, "r11", 0x2a0003));
        System.out.println(r.changed() + " " + r.outcome() + " " + r.statusName() + " " + r.call() + " " + r.text());
        assertEquals(2, r.after().get("r4"));
    }
}
