import Hummingbird

/// The pages a dashboard request gets instead of what it asked for.
enum DashboardErrors {
    static func forbidden(_ view: View) -> Response {
        view.page(
            view.text(.forbiddenTitle), section: nil, body: "<p class=\"problem\">\(view.text(.forbidden))</p>",
            status: .forbidden)
    }

    static func notFound(_ view: View) -> Response {
        view.page(
            view.text(.notFoundTitle), section: nil, body: "<p class=\"problem\">\(view.text(.notFound))</p>",
            status: .notFound)
    }
}
