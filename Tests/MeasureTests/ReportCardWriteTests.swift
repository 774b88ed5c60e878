// A whole report card on a tiny model: every file written, the JSON readable, errors named.

import DuralavaNN
import TestSupport
import XCTest
import Foundation
import DuralavaTrainer
import DuralavaMeasure
import DuralavaRuntime
import DuralavaData
import LampOutput

final class ReportCardWriteTests: XCTestCase {
    override func setUp() { Compute.threads = 2 }

    func tinyOptions(_ path: String) -> ReportCardOptions {
        var o = ReportCardOptions(modelPath: path)
        o.frames = 60
        o.burnInSteps = 10
        o.endurance.steps = 2000
        o.endurance.windows = 2
        o.endurance.renderedFrames = 40
        o.endurance.rawEvery = 2
        o.classifier.steps = 30
        o.classifier.chunk = 10
        o.windowClassifierSteps = 20
        return o
    }

    func testReportOnATinyModelWritesEveryFile() throws {
        let model = try reportCardTinyModel()
        var lines: [String] = []
        let card = try ReportCard.evaluate(tinyOptions(model), progress: { lines.append($0) })
        XCTAssertTrue(lines.contains { $0.hasPrefix("endurance:") })
        XCTAssertTrue(card.reference.notes.contains { $0.contains("no provenance") }, "says the reference settings are defaults")
        let out = (model as NSString).deletingLastPathComponent + "/report/card"
        let files = try card.write(to: out)
        let names = ["report.json", "report.md", "clip.png"] + ReportCard.plotFiles.map(\.0)
        XCTAssertEqual(Set(files.map { ($0 as NSString).lastPathComponent }), Set(names))
        for f in files { XCTAssertTrue(FileManager.default.fileExists(atPath: f), f) }

        let json = try JSONParser.parse(String(contentsOfFile: out + "/report.json", encoding: .utf8))
        guard case .array(let targets)? = json["targets"] else { return XCTFail("no targets array") }
        XCTAssertEqual(targets.count, card.targets.count)
        XCTAssertGreaterThanOrEqual(card.targets.count, 10)
        guard case .array(let windows)? = json["endurance"]?["windows"] else { return XCTFail("no windows") }
        XCTAssertEqual(windows.count, 2)
        XCTAssertNotNil(windows[0]["rendered"]?["classifier"]?["accuracy"])
        XCTAssertEqual(json["realism"]?["classifier"]?.stringValue, card.classifierArchitecture)

        let md = try String(contentsOfFile: out + "/report.md", encoding: .utf8)
        for heading in ["## Targets", "## Realism", "## Motion", "## Endurance", "## Definitions"] {
            XCTAssertTrue(md.contains(heading), heading)
        }
        for (plot, _) in ReportCard.plotFiles {
            XCTAssertTrue(md.contains("(\(plot))"), plot)
        }
        // The plots are SVG a browser reads: well-formed, their titles, axis labels and tick
        // values text, a polyline point per endurance window.
        XCTAssertEqual(ReportCard.plotFiles.filter { $0.0.hasSuffix(".svg") }.count, 3)
        let change = try SVGElements(path: out + "/frame-change.svg")
        XCTAssertTrue(change.texts.contains("mean absolute pixel change per step (0–1)"), "\(change.texts)")
        XCTAssertTrue(change.texts.contains("fraction of steps"))
        XCTAssertTrue(change.texts.contains { $0.hasPrefix("generated, median ") })
        XCTAssertTrue(change.texts.contains("0"), "tick values")
        XCTAssertEqual(change.named("polyline").first?.points.count, 2 * 40 + 2, "the generated histogram's outline")
        let moments = try SVGElements(path: out + "/latent-moments.svg")
        XCTAssertTrue(moments.texts.contains("steps (millions) at the end of each window"))
        XCTAssertEqual(moments.named("polyline").map { $0.points.count }, [2, 2], "mean and std, one point per window")
        XCTAssertTrue(moments.texts.contains("0"), "the mean axis is symmetric about its tick 0: \(moments.texts)")
        let windowsPlot = try SVGElements(path: out + "/windows.svg")
        XCTAssertTrue(windowsPlot.texts.contains("accuracy") && windowsPlot.texts.contains("ratio of medians"))
        XCTAssertEqual(windowsPlot.named("polyline").map { $0.points.count }, [2, 2, 2], "realism, frame change and blob speed per window")
        for plot in ["frame-change.svg", "latent-moments.svg", "windows.svg"] {
            XCTAssertFalse(try String(contentsOfFile: out + "/" + plot, encoding: .utf8).contains("nan"), plot)
        }
        // The strip of frames stays a picture: a PNG, rows of the report's frame size scaled to
        // 128 pixels, labelled in report.md.
        let strip = [UInt8](try Data(contentsOf: URL(fileURLWithPath: out + "/frames-strip.png")))
        XCTAssertEqual(Array(strip.prefix(8)), [137, 80, 78, 71, 13, 10, 26, 10])
        XCTAssertTrue(md.contains("Rows of frames-strip.png, top to bottom: " + card.strip.map(\.label).joined(separator: "; ")))
        // The clip: an APNG of as many steps as both stretches allow (60 frames each here), the
        // lamp beside the footage, linked from report.md.
        let clip = [UInt8](try Data(contentsOf: URL(fileURLWithPath: out + "/clip.png")))
        XCTAssertEqual(Array(clip[37..<41]), Array("acTL".utf8), "an animated PNG")
        XCTAssertEqual(clip[41..<45].reduce(0) { $0 << 8 | Int($1) }, 60, "one frame per step")
        let w = card.config.frameWidth, scale = FrameGrid.scale(frameWidth: w, frameHeight: card.config.frameHeight, side: 64)
        XCTAssertEqual(clip[16..<20].reduce(0) { $0 << 8 | Int($1) }, 6 + 2 * (w * scale + 6), "two frames side by side")
        XCTAssertTrue(md.contains("](clip.png)"))
        // Guards over the run: every endurance step counted.
        XCTAssertEqual(card.endurance.guards.steps, 2000)
    }

    func testAMissingModelIsAnErrorNamingTheFile() {
        XCTAssertThrowsError(try ReportCard.evaluate(tinyOptions("/nonexistent/lamp.safetensors"))) { error in
            XCTAssertTrue("\(error)".contains("/nonexistent/lamp.safetensors"), "\(error)")
        }
    }

    func testFrameDirectoryFramesAreTakenOneModelStepApart() throws {
        // 24 files at 10 fps with 2 files per model step (0.2 s): 12 steps, dealt in chunks of 3,
        // every 2nd chunk pair held out (B's chunk first, then A's).
        let model = try LampModel(path: try reportCardTinyModel(metadata: [
            "provenance.data": "elsewhere", "provenance.frames_per_second": "10", "provenance.frame_step": "2"]))
        let dir = NSTemporaryDirectory() + "duralava-reportcard-frames-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        for i in 0..<24 {
            let grey = UInt8(i * 10)
            try writePNG(path: dir + "/frame_\(i).png", width: 8, height: 8, rgb: [UInt8](repeating: grey, count: 192))
        }
        let r = try ReferenceFrames.load(.directory(dir), model: model, perSet: 6, chunk: 3, testEvery: 2, gap: 1)
        XCTAssertEqual(r.a.count, 6)
        XCTAssertEqual(r.b.count, 6)
        // A: steps 0-2 and 9-11 (files 0, 2, 4 and 18, 20, 22); B: steps 3-8 (files 6 ... 16).
        XCTAssertEqual(r.a.frame(0)[0], 0, accuracy: 1e-6)
        XCTAssertEqual(r.a.frame(1)[0], 20 / 255, accuracy: 1e-6)
        XCTAssertEqual(r.a.frame(3)[0], 180 / 255, accuracy: 1e-6)
        XCTAssertEqual(r.b.frame(0)[0], 60 / 255, accuracy: 1e-6)
        XCTAssertEqual(r.a.segments.count, 2)
        XCTAssertEqual(r.splitA.train, [0, 1, 2])
        XCTAssertEqual(r.splitA.test, [3, 4], "the last step borders nothing here, but trimming is by position in the pair")
        XCTAssertEqual(r.splitB.train, [0, 1, 2])
        XCTAssertEqual(r.splitB.test, [4, 5])
        XCTAssertTrue(r.notes.contains { $0.contains("learned from elsewhere") }, "\(r.notes)")
        XCTAssertThrowsError(try ReferenceFrames.load(.directory(dir + "/missing"), model: model, perSet: 6, chunk: 3)) { e in
            XCTAssertTrue("\(e)".contains(dir + "/missing"), "\(e)")
        }
    }
}
