package dev.vigil.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.OptionalDouble;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

class SvgTest {
    private static Document parse(String svg) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        return f.newDocumentBuilder().parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void rangeChartIsWellFormedSvgWithOneDotPerRow() throws Exception {
        String svg = Svg.document("latency <crash> & hang", Svg.ranges("crash -> standby", "ms", List.of(
                Svg.Range.of("vigil \"5s\"", Stats.of(4800, 4900, 5050)),
                Svg.Range.of("keepalived", Stats.of(3000, 3100)),
                Svg.Range.of("empty", Stats.of(new double[0]))), OptionalDouble.of(5100)));
        Document doc = parse(svg);
        assertEquals("svg", doc.getDocumentElement().getLocalName());
        assertEquals("http://www.w3.org/2000/svg", doc.getDocumentElement().getNamespaceURI());
        assertEquals(2, doc.getElementsByTagName("circle").getLength(), "a p50 dot for each row with data");
    }

    @Test
    void lineAndBarChartsStackIntoOneWellFormedDocument() throws Exception {
        Svg.Chart lines = Svg.lines("cpu", "groups", "cores", List.of(
                new Svg.Series("w1", List.of(new double[] {1000, 0.1}, new double[] {10000, 0.9})),
                new Svg.Series("w2", List.of(new double[] {1000, 0.2}))), OptionalDouble.of(1));
        Svg.Chart bars = Svg.bars("false SDOWN", "count", List.of(new Svg.Bar("5%", 0), new Svg.Bar("20%", 3)));
        Document doc = parse(Svg.document("scale", lines, bars));
        assertEquals(3, doc.getElementsByTagName("circle").getLength());
        assertEquals(2 + 2 + 1, doc.getElementsByTagName("rect").getLength(), "two bars, two legend keys, the background");
        assertEquals(2, doc.getElementsByTagName("polyline").getLength());
    }

    @Test
    void axisTopIsOneTwoOrFiveTimesAPowerOfTen() {
        assertEquals(1, Svg.niceMax(0));
        assertEquals(0.5, Svg.niceMax(0.31));
        assertEquals(200, Svg.niceMax(101));
        assertEquals(10000, Svg.niceMax(5001));
    }
}
