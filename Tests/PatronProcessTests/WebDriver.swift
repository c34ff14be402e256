import AsyncHTTPClient
import Foundation
import NIOCore
import NIOFoundationCompat
import NIOHTTP1

#if canImport(Glibc)
    import Glibc
#endif

/// A real Chromium driven through chromedriver over the W3C WebDriver protocol, headless, on loopback.
final class WebDriver: Sendable {
    static let chromium = "/usr/bin/chromium"
    static let chromedriver = "/usr/bin/chromedriver"
    /// WebDriver's key for an element reference.
    static let elementKey = "element-6066-11e4-a52e-4f735466cecf"

    let baseURL: String
    let session: String
    private let driver: ChildProcess

    private init(baseURL: String, session: String, driver: ChildProcess) {
        self.baseURL = baseURL
        self.session = session
        self.driver = driver
    }

    /// Whether this machine has Chromium and its driver (Debian's `chromium` and `chromium-driver`).
    static var isInstalled: Bool {
        FileManager.default.isExecutableFile(atPath: chromium)
            && FileManager.default.isExecutableFile(atPath: chromedriver)
    }

    /// Starts chromedriver and a browser whose preferred language is `language`.
    static func start(language: String = "en-US") async throws -> WebDriver {
        for _ in 0..<5 {
            let port = Int.random(in: 20_000..<60_000)
            let driver = try ChildProcess(chromedriver, ["--port=\(port)"], environment: [:])
            let base = "http://127.0.0.1:\(port)"
            for _ in 0..<100 where driver.isRunning {
                if let (status, _) = try? await call(.GET, base + "/status"), status == 200 {
                    let capabilities: [String: Any] = [
                        "capabilities": [
                            "alwaysMatch": [
                                "browserName": "chrome",
                                "goog:chromeOptions": [
                                    "binary": chromium,
                                    "args": [
                                        "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                                        "--window-size=1280,960", "--lang=\(language)",
                                    ],
                                    "prefs": ["intl.accept_languages": language],
                                ],
                            ]
                        ]
                    ]
                    let (status, value) = try await call(.POST, base + "/session", capabilities)
                    guard status == 200, let session = (value as? [String: Any])?["sessionId"] as? String else {
                        driver.signal(SIGKILL)
                        _ = await driver.exit()
                        throw ProcessTestError("chromedriver did not start a browser: \(value ?? "")")
                    }
                    return WebDriver(baseURL: base, session: session, driver: driver)
                }
                try await Task.sleep(for: .milliseconds(100))
            }
            driver.signal(SIGKILL)
            _ = await driver.exit()
        }
        throw ProcessTestError("chromedriver did not start")
    }

    func quit() async {
        _ = try? await Self.call(.DELETE, "\(baseURL)/session/\(session)")
        driver.signal(SIGTERM)
        _ = await driver.exit()
    }

    func open(_ url: String) async throws {
        try await command(.POST, "url", ["url": url])
    }

    var currentURL: String {
        get async throws { try await command(.GET, "url") as? String ?? "" }
    }

    /// Whether the browser is at `url` within five seconds: a click on a form's button returns before the
    /// browser has followed the answer's redirect.
    func arrives(at url: String) async throws -> Bool {
        for _ in 0..<50 {
            if try await currentURL == url { return true }
            try await Task.sleep(for: .milliseconds(100))
        }
        return false
    }

    var source: String {
        get async throws { try await command(.GET, "source") as? String ?? "" }
    }

    /// The first element matching a CSS selector.
    func element(_ selector: String) async throws -> String {
        let found = try await command(.POST, "element", ["using": "css selector", "value": selector])
        guard let element = (found as? [String: Any])?[Self.elementKey] as? String else {
            throw ProcessTestError("no element matches \(selector) on \(try await currentURL)")
        }
        return element
    }

    func text(of selector: String) async throws -> String {
        try await command(.GET, "element/\(try await element(selector))/text") as? String ?? ""
    }

    func type(_ text: String, into selector: String) async throws {
        let element = try await element(selector)
        try await command(.POST, "element/\(element)/clear", [:])
        try await command(.POST, "element/\(element)/value", ["text": text])
    }

    func click(_ selector: String) async throws {
        try await command(.POST, "element/\(try await element(selector))/click", [:])
    }

    /// The visible page as PNG.
    func screenshot() async throws -> Data {
        guard let text = try await command(.GET, "screenshot") as? String, let data = Data(base64Encoded: text) else {
            throw ProcessTestError("the browser gave no screenshot")
        }
        return data
    }

    /// Runs `script` in the page with `arguments`; it calls the last argument it is given with the result.
    func executeAsync(_ script: String, _ arguments: [Any] = []) async throws -> Any? {
        try await command(.POST, "execute/async", ["script": script, "args": arguments])
    }

    /// How many colours the pixels of a PNG take (sampling every fourth pixel each way), decoded by the browser:
    /// 1 for a blank page.
    func colours(in png: Data) async throws -> Int {
        let script = """
            const done = arguments[arguments.length - 1];
            const image = new Image();
            image.onload = () => {
              const canvas = document.createElement('canvas');
              canvas.width = image.width; canvas.height = image.height;
              const context = canvas.getContext('2d');
              context.drawImage(image, 0, 0);
              const pixels = context.getImageData(0, 0, image.width, image.height).data;
              const seen = new Set();
              for (let y = 0; y < image.height; y += 4)
                for (let x = 0; x < image.width; x += 4) {
                  const i = (y * image.width + x) * 4;
                  seen.add((pixels[i] << 16) | (pixels[i + 1] << 8) | pixels[i + 2]);
                }
              done(seen.size);
            };
            image.onerror = () => done(-1);
            image.src = 'data:image/png;base64,' + arguments[0];
            """
        return try await executeAsync(script, [png.base64EncodedString()]) as? Int ?? -1
    }

    @discardableResult
    private func command(_ method: HTTPMethod, _ path: String, _ body: [String: Any]? = nil) async throws -> Any? {
        let (status, value) = try await Self.call(method, "\(baseURL)/session/\(session)/\(path)", body)
        guard status == 200 else { throw ProcessTestError("WebDriver \(path) answered \(status): \(value ?? "")") }
        return value
    }

    private static func call(
        _ method: HTTPMethod, _ url: String, _ body: [String: Any]? = nil
    ) async throws -> (
        Int, Any?
    ) {
        var request = HTTPClientRequest(url: url)
        request.method = method
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(data: try JSONSerialization.data(withJSONObject: body)))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
        let bytes = try await response.body.collect(upTo: 1 << 26)
        let json = try? JSONSerialization.jsonObject(with: Data(buffer: bytes))
        return (Int(response.status.code), (json as? [String: Any])?["value"])
    }
}
