import Foundation
import TestSupport
import XCTest

/// `make deb` (packaging/deb/build-deb.sh) for each board binary that `make board` built: lintian
/// finds no error, the package holds what the service needs (a scratch root from `dpkg -x`),
/// its systemd unit passes `systemd-analyze verify`, the default options parse, and the
/// installed binary renders the installed int8 lamp (under qemu on arm64 and armhf) as the
/// desktop does.
final class DebianPackageTests: XCTestCase {
    private var desktop: String { productPath("duralava") }

    func testArm64PackageInstallsAndRendersTheLamp() throws { try checkPackage(.arm64) }

    func testArmhfPackageInstallsAndRendersTheLamp() throws { try checkPackage(.armhf) }

    func testAmd64PackageInstallsAndRendersTheLamp() throws { try checkPackage(.amd64) }

    private func tool(_ name: String) throws -> String {
        guard let path = which(name) else { throw XCTSkip("\(name) is not installed (make test-deps installs dpkg-dev and lintian)") }
        return path
    }

    private func checkPackage(_ board: EmulatedBoard) throws {
        _ = try board.emulator()
        let dpkgDeb = try tool("dpkg-deb"), dpkg = try tool("dpkg")
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let version = "0.1.0+test1"
        let build = try runProcess(packageRoot + "/packaging/deb/build-deb.sh", [board.arch, board.binary, version, dir + "/deb"])
        XCTAssertEqual(build.status, 0, build.stdout + build.stderr)
        let deb = dir + "/deb/duralava_\(version)_\(board.arch).deb"
        XCTAssertTrue(FileManager.default.fileExists(atPath: deb), build.stdout)

        // The control fields: Depends only on libc and zlib (and libgcc_s on armhf, which
        // libc6:armhf itself depends on), SDL2 only recommended.
        func field(_ name: String) throws -> String {
            try runProcess(dpkgDeb, ["-f", deb, name]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        XCTAssertEqual(try field("Package"), "duralava")
        XCTAssertEqual(try field("Architecture"), board.arch)
        XCTAssertEqual(try field("Version"), version)
        XCTAssertEqual(try field("Recommends"), "libsdl2-2.0-0")
        let depends = try field("Depends").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).split(separator: " ")[0] }
        XCTAssertEqual(Set(depends), board.arch == "armhf" ? ["libc6", "zlib1g", "libgcc-s1"] : ["libc6", "zlib1g"], "\(depends)")

        if let lintian = which("lintian") {
            let l = try runProcess(lintian, ["--tag-display-limit", "0", deb])
            let errors = l.stdout.split(separator: "\n").filter { $0.hasPrefix("E:") }
            XCTAssertEqual(errors, [], "lintian errors:\n" + l.stdout)
        }

        // The scratch root, and the control files.
        let root = dir + "/root", control = dir + "/control"
        let x = try runProcess(dpkg, ["-x", deb, root])
        XCTAssertEqual(x.status, 0, x.stderr)
        let binary = root + "/usr/bin/duralava", model = root + "/usr/share/duralava/default-int8.safetensors"
        XCTAssertTrue(FileManager.default.isExecutableFile(atPath: binary))
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: model)),
                       try Data(contentsOf: URL(fileURLWithPath: packageRoot + "/models/default-int8.safetensors")))
        // armhf: the preinst refuses an Armv6 Pi (uname -m armv6l), not an Armv7 or aarch64 one.
        let preinst = control + "/preinst"
        XCTAssertEqual(try runProcess(dpkgDeb, ["-e", deb, control]).status, 0)
        XCTAssertEqual(FileManager.default.fileExists(atPath: preinst), board.arch == "armhf")
        if board.arch == "armhf" {
            for (machine, status) in [("armv6l", Int32(1)), ("armv7l", 0), ("aarch64", 0)] {
                let bin = dir + "/uname-" + machine
                try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
                FileManager.default.createFile(atPath: bin + "/uname", contents: Data("#!/bin/sh\necho \(machine)\n".utf8),
                                               attributes: [.posixPermissions: 0o755])
                let r = try runProcess("/bin/sh", [preinst, "install"], environment: ["PATH": bin + ":/usr/bin:/bin"])
                XCTAssertEqual(r.status, status, machine + ": " + r.stderr)
                XCTAssertEqual(r.stderr.isEmpty, status == 0, machine + ": " + r.stderr)
            }
        }
        let unit = try String(contentsOfFile: root + "/lib/systemd/system/duralava.service", encoding: .utf8)
        for line in ["DynamicUser=yes", "SupplementaryGroups=video input render", "Environment=SDL_VIDEODRIVER=kmsdrm",
                     "EnvironmentFile=-/etc/default/duralava", "ExecStart=/usr/bin/duralava run $DURALAVA_OPTIONS",
                     "WantedBy=multi-user.target"] {
            XCTAssertTrue(unit.contains(line + "\n"), "the unit lacks \(line)")
        }
        XCTAssertFalse(unit.contains("User=root"))
        XCTAssertEqual(try String(contentsOfFile: control + "/conffiles", encoding: .utf8), "/etc/default/duralava\n")

        // systemd-analyze verify on the unit, its ExecStart pointed at the scratch root's binary.
        if let analyze = which("systemd-analyze") {
            let units = dir + "/units"
            try FileManager.default.createDirectory(atPath: units, withIntermediateDirectories: true)
            try unit.replacingOccurrences(of: "/usr/bin/duralava", with: binary)
                .write(toFile: units + "/duralava.service", atomically: true, encoding: .utf8)
            let v = try runProcess(analyze, ["verify", "--man=no", units + "/duralava.service"])
            XCTAssertEqual(v.status, 0, v.stderr)
            XCTAssertEqual(v.stderr, "", "systemd-analyze verify warns")
        }

        // The options in /etc/default/duralava parse (run --help stops after parsing them).
        let defaults = try String(contentsOfFile: root + "/etc/default/duralava", encoding: .utf8)
        let optionsLine = defaults.split(separator: "\n").first { $0.hasPrefix("DURALAVA_OPTIONS=") }
        let options = try XCTUnwrap(optionsLine).dropFirst("DURALAVA_OPTIONS=".count).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        let parsed = try board.run(["run"] + options.split(separator: " ").map(String.init) + ["--help"], executable: binary)
        XCTAssertEqual(parsed.status, 0, parsed.stderr)

        // The installed binary renders the installed lamp as the desktop renders the shipped one.
        let args = ["render", "--steps", "6", "--seed", "4"]
        let r = try board.run(args + ["--model", model, "--out", dir + "/frames/"], executable: binary, in: dir)
        XCTAssertEqual(r.status, 0, r.stderr)
        let d = try runProcess(desktop, args + ["--model", packageRoot + "/models/default-int8.safetensors", "--out", dir + "/desktop/"])
        XCTAssertEqual(d.status, 0, d.stderr)
        for k in 0..<6 {
            let name = "/frame-00000\(k).png"
            XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: dir + "/frames" + name)),
                           try Data(contentsOf: URL(fileURLWithPath: dir + "/desktop" + name)), name)
        }
    }
}
