package org.healpixzarr.server.ows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OwsRequestTest {
    @Test
    void namesAreCaseInsensitiveAndIdenticalRepeatsAreAccepted() throws Exception {
        // OWSLib sends the capabilities href "...?SERVICE=WMS&" plus its own "service=WMS"
        OwsRequest r = new OwsRequest("http://h/ows", Map.of("SERVICE", List.of("WMS"), "service", List.of("WMS"), "Layers", List.of("a")));
        assertEquals("WMS", r.get("service"));
        assertEquals("a", r.get("LAYERS"));
        assertNull(r.get("BBOX"));
    }

    @Test
    void otherRepeatsAreRefusedEvenIfIdentical() {
        OwsRequest r = new OwsRequest("http://h/ows", Map.of("WIDTH", List.of("64"), "width", List.of("64")));
        assertEquals(400, assertThrows(OwsException.class, () -> r.get("WIDTH")).status());
    }

    @Test
    void conflictingRepeatsAreRefused() {
        OwsRequest r = new OwsRequest("http://h/ows", Map.of("SERVICE", List.of("WMS"), "service", List.of("WCS")));
        OwsException e = assertThrows(OwsException.class, () -> r.get("SERVICE"));
        assertEquals(400, e.status());
        assertEquals("InvalidParameterValue", e.code());
    }
}
