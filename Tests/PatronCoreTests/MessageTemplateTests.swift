import PatronCore
import Testing

/// Message templates: what is refused when one is saved, which language a member gets, and how one renders.
@Suite struct MessageTemplateTests {
    /// A template body around `contents`.
    static func body(
        _ contents: [JSONValue], category: String = "marketing", defaultLanguage: JSONValue = .null
    ) -> JSONValue {
        [
            "name": "Spring offer", "category": .string(category), "default_language": defaultLanguage,
            "contents": .array(contents),
        ]
    }

    /// One SMS content saying `text`.
    static func sms(_ text: String, language: String = "en") -> JSONValue {
        ["channel": "sms", "language": .string(language), "text": .string(text)]
    }

    /// One email content.
    static func email(
        subject: String = "Hello", text: String = "Hello", html: String? = nil, language: String = "en"
    )
        -> JSONValue
    {
        var fields: [String: JSONValue] = [
            "channel": "email", "language": .string(language), "subject": .string(subject), "text": .string(text),
        ]
        if let html { fields["html"] = .string(html) }
        return .object(fields)
    }

    /// The field errors `body` is refused with; none (and a recorded issue) when it is accepted.
    static func errors(_ body: JSONValue) -> [FieldError] {
        do {
            let template = try MessageTemplate.parse(body)
            Issue.record("accepted: \(template)")
            return []
        } catch {
            return error.errors
        }
    }

    // MARK: - Names

    @Test func aTemplateUsingKnownNamesIsRead() throws {
        let template = try MessageTemplate.parse(
            Self.body(
                [
                    Self.email(
                        subject: "{{member.name}}, a coupon",
                        text: "Hi {{member.name}}: {{#coupon}}{{code}} ({{reward}}){{/coupon}} {{unsubscribe_url}}",
                        html: "<p>{{#coupon}}{{code}} for {{member.name}}{{/coupon}}</p>"),
                    Self.sms(
                        "{{#coupon}}{{code}}{{/coupon}}{{^coupon}}{{points.available}}{{/coupon}}", language: "zh"),
                ],
                category: "transactional"))
        #expect(template.name == "Spring offer")
        #expect(template.category == .transactional)
        #expect(template.defaultLanguage == "en")
        #expect(template.channels == [.email, .sms])
        #expect(
            template.contents == [
                TemplateContent(
                    channel: .email, language: "en", subject: "{{member.name}}, a coupon",
                    text: "Hi {{member.name}}: {{#coupon}}{{code}} ({{reward}}){{/coupon}} {{unsubscribe_url}}",
                    html: "<p>{{#coupon}}{{code}} for {{member.name}}{{/coupon}}</p>"),
                TemplateContent(
                    channel: .sms, language: "zh", subject: nil,
                    text: "{{#coupon}}{{code}}{{/coupon}}{{^coupon}}{{points.available}}{{/coupon}}", html: nil),
            ])
    }

    @Test func everyDocumentedNameIsAccepted() throws {
        let text = TemplateVariables.allNames.map { "{{\($0)}}" }.joined(separator: " ")
        let template = try MessageTemplate.parse(Self.body([Self.sms(text)]))
        #expect(template.contents.first?.text == text)
        #expect(TemplateVariables.allNames.count == 17)
        #expect(
            TemplateVariables.allNames.first == "coupon.code" && TemplateVariables.allNames.last == "unsubscribe_url")
    }

    @Test func anUnknownVariableIsAnErrorNotABlank() {
        let errors = Self.errors(Self.body([Self.sms("Hi {{member.nmae}}")]))
        #expect(errors.map(\.pointer) == ["/contents/0/text"])
        let detail = errors.first?.detail ?? ""
        #expect(detail.hasPrefix("{{member.nmae}} is not something a message has"))
        // The detail lists the names that do exist.
        #expect(detail.contains("member.name") && detail.contains("unsubscribe_url"))
    }

    @Test func unknownNamesAreReportedAtTheFieldAndContentTheyAreIn() {
        let errors = Self.errors(
            Self.body([
                Self.sms("fine {{member.name}}"),
                Self.email(subject: "{{member.title}}", text: "{{order.sum}}", html: "<p>{{ticket.owner}}</p>"),
            ]))
        #expect(errors.map(\.pointer) == ["/contents/1/subject", "/contents/1/text", "/contents/1/html"])
        #expect(
            errors.map { $0.detail.prefix { $0 != " " } } == ["{{member.title}}", "{{order.sum}}", "{{ticket.owner}}"])
    }

    @Test func aFieldIsResolvedInsideTheSectionOfItsObject() throws {
        _ = try MessageTemplate.parse(Self.body([Self.sms("{{#coupon}}{{code}}{{/coupon}}")]))
        let errors = Self.errors(Self.body([Self.sms("{{#coupon}}{{cod}}{{/coupon}}")]))
        #expect(errors.map(\.pointer) == ["/contents/0/text"])
        #expect(errors.first?.detail.hasPrefix("{{cod}} is not something a message has") == true)
    }

    @Test func aFieldOfAnotherObjectIsNotFoundInsideASection() {
        // Outside its section a bare field means nothing; inside another object's section neither.
        let errors = Self.errors(
            Self.body([Self.sms("{{code}}"), Self.sms("{{#order}}{{code}}{{/order}}", language: "zh")]))
        #expect(errors.map(\.pointer) == ["/contents/0/text", "/contents/1/text"])
        #expect(errors.allSatisfy { $0.detail.hasPrefix("{{code}} is not something a message has") })
    }

    @Test func theCurrentItemIsANameOnlyInsideASection() throws {
        let template = try MessageTemplate.parse(Self.body([Self.sms("{{#coupon.code}}Code: {{.}}{{/coupon.code}}")]))
        let rendered = template.contents.first?.render(Self.coupon, category: .transactional, smsOptOut: "")
        #expect(rendered?.text == "Code: SPRING-10")
        let errors = Self.errors(Self.body([Self.sms("{{.}}")]))
        #expect(errors.map(\.pointer) == ["/contents/0/text"])
        #expect(errors.first?.detail.hasPrefix("{{.}} is not something a message has") == true)
        // Inside an object's section the current item is the whole object, which has no text of its own.
        #expect(
            Self.errors(Self.body([Self.sms("{{#coupon}}{{.}}{{/coupon}}")])).map(\.pointer) == ["/contents/0/text"])
    }

    @Test(arguments: [
        "{{Member.name}}", "{{member-name}}", "{{member..name}}", "{{.member}}", "{{}}", "{{upper(member.name)}}",
    ])
    func aTagThatIsNotANameIsRefused(text: String) {
        let errors = Self.errors(Self.body([Self.sms(text)]))
        #expect(errors.map(\.pointer) == ["/contents/0/text"])
        #expect(errors.first?.detail.contains("is not a name") == true, "\(errors)")
    }

    // MARK: - Sections and tags

    @Test func anUnclosedSectionIsRefused() {
        let errors = Self.errors(Self.body([Self.sms("{{#coupon}}{{code}}")]))
        #expect(errors == [FieldError(pointer: "/contents/0/text", detail: "the section {{#coupon}} is never closed")])
    }

    @Test func aSectionClosedByTheWrongNameIsRefused() {
        let errors = Self.errors(Self.body([Self.sms("{{#coupon}}{{code}}{{/order}}")]))
        #expect(
            errors == [
                FieldError(pointer: "/contents/0/text", detail: "{{/order}} closes a section that is not the one open"),
                FieldError(pointer: "/contents/0/text", detail: "the section {{#coupon}} is never closed"),
            ])
    }

    @Test func sectionsMustCloseInnermostFirst() {
        let errors = Self.errors(Self.body([Self.sms("{{#coupon}}{{#order}}{{/coupon}}{{/order}}")]))
        #expect(
            errors == [
                FieldError(
                    pointer: "/contents/0/text", detail: "{{/coupon}} closes a section that is not the one open"),
                FieldError(pointer: "/contents/0/text", detail: "the section {{#coupon}} is never closed"),
            ])
    }

    @Test func closingASectionNeverOpenedIsRefused() {
        let errors = Self.errors(Self.body([Self.sms("Hi {{/coupon}}")]))
        #expect(
            errors == [
                FieldError(pointer: "/contents/0/text", detail: "{{/coupon}} closes a section that is not the one open")
            ])
    }

    @Test func aTagNeverClosedIsRefused() {
        let errors = Self.errors(Self.body([Self.sms("Hi {{member.name")]))
        #expect(errors == [FieldError(pointer: "/contents/0/text", detail: "a tag opened with {{ is never closed")])
    }

    @Test(arguments: ["{{> footer}}", "{{<layout}}", "{{$block}}", "{{=<% %>=}}", "{{% CONTENT_TYPE: TEXT}}"])
    func partialsInheritancePragmasAndDelimiterChangesAreRefused(text: String) {
        let errors = Self.errors(Self.body([Self.sms("Hi " + text)]))
        #expect(errors.map(\.pointer) == ["/contents/0/text"])
        #expect(
            errors.first?.detail
                == "\(text): partials, inheritance, pragmas and delimiter changes are not supported")
    }

    @Test func commentsAreAllowedWhateverTheySay() throws {
        let template = try MessageTemplate.parse(Self.body([Self.sms("Hi{{! not member.nmae, nor > }}!")]))
        #expect(template.contents.first?.text == "Hi{{! not member.nmae, nor > }}!")
    }

    @Test func unescapedValuesAreRefusedInHTML() {
        let errors = Self.errors(
            Self.body([
                Self.email(html: "<p>{{{member.name}}}</p>"), Self.email(html: "{{&member.name}}", language: "zh"),
            ]))
        #expect(errors.map(\.pointer) == ["/contents/0/html", "/contents/1/html"])
        #expect(
            errors.allSatisfy { $0.detail.contains("would put a value into HTML unescaped: write {{member.name}}") })
        #expect(errors.last?.detail == "{{&member.name}} would put a value into HTML unescaped: write {{member.name}}")
        #expect(
            errors.first?.detail == "{{{member.name}}} would put a value into HTML unescaped: write {{member.name}}")
    }

    @Test func unescapedValuesAreAllowedInPlainText() throws {
        let template = try MessageTemplate.parse(
            Self.body([
                Self.email(
                    subject: "{{{member.name}}}", text: "{{&member.name}} {{{ coupon.code }}}",
                    html: "<p>{{member.name}}</p>"),
                Self.sms("{{{member.name}}}", language: "zh"),
            ]))
        #expect(template.contents.count == 2)
    }

    @Test func anUnknownNameInATripleTagIsStillRefused() {
        let errors = Self.errors(Self.body([Self.sms("{{{member.nmae}}}")]))
        #expect(errors.map(\.pointer) == ["/contents/0/text"])
        #expect(errors.first?.detail.hasPrefix("{{member.nmae}} is not something a message has") == true)
    }

    // MARK: - Channels, languages and the template's own fields

    @Test(arguments: [MessageChannel.email, .push])
    func aSubjectIsRequiredWhereTheChannelHasOne(channel: MessageChannel) {
        let errors = Self.errors(Self.body([["channel": .string(channel.rawValue), "language": "en", "text": "Hi"]]))
        #expect(errors == [FieldError(pointer: "/contents/0/subject", detail: "is required for \(channel.rawValue)")])
    }

    @Test(arguments: [MessageChannel.sms, .wechat])
    func aSubjectIsRefusedWhereTheChannelHasNone(channel: MessageChannel) {
        let errors = Self.errors(
            Self.body([["channel": .string(channel.rawValue), "language": "en", "subject": "Hi", "text": "Hi"]]))
        #expect(
            errors == [
                FieldError(
                    pointer: "/contents/0/subject",
                    detail: "must be left out for \(channel.rawValue): it has no subject")
            ])
    }

    @Test func aPushNotificationHasATitleButNoHTML() throws {
        let template = try MessageTemplate.parse(
            Self.body([["channel": "push", "language": "en", "subject": "{{member.name}}", "text": "Hi"]]))
        #expect(template.contents.first?.subject == "{{member.name}}")
        let errors = Self.errors(
            Self.body([["channel": "push", "language": "en", "subject": "Hi", "text": "Hi", "html": "<p>Hi</p>"]]))
        #expect(
            errors == [FieldError(pointer: "/contents/0/html", detail: "must be left out for push: it is plain text")])
    }

    @Test func htmlIsRefusedForSMS() {
        let errors = Self.errors(Self.body([["channel": "sms", "language": "en", "text": "Hi", "html": "<p>Hi</p>"]]))
        #expect(
            errors == [FieldError(pointer: "/contents/0/html", detail: "must be left out for sms: it is plain text")])
    }

    @Test func aChannelAndLanguageGivenTwiceIsRefused() {
        let errors = Self.errors(
            Self.body([Self.email(language: "zh-CN"), Self.sms("Hi", language: "zh-CN"), Self.email(language: "ZH-cn")])
        )
        #expect(errors == [FieldError(pointer: "/contents/2/language", detail: "is given twice for email")])
    }

    @Test(arguments: ["chinese", "zh_CN", "z", "zh-", "zh-Hant-TW-x", "中文"])
    func aLanguageMustBeALanguageTag(language: String) {
        let errors = Self.errors(Self.body([Self.sms("Hi", language: language)]))
        #expect(
            errors == [
                FieldError(pointer: "/contents/0/language", detail: "must be a language tag such as zh, zh-CN or en")
            ])
    }

    @Test func theTemplatesOwnFieldsAreCheckedTogether() {
        let errors = Self.errors([
            "name": "  ", "category": "newsletter", "default_language": "english", "contents": [],
        ])
        #expect(
            errors == [
                FieldError(pointer: "/name", detail: "must not be empty"),
                FieldError(pointer: "/category", detail: "must be one of marketing, transactional"),
                FieldError(pointer: "/contents", detail: "must hold at least one content"),
                FieldError(pointer: "/default_language", detail: "must be a language tag such as zh, zh-CN or en"),
            ])
        #expect(
            Self.errors(["name": "x", "category": "marketing"])
                == [FieldError(pointer: "/contents", detail: "is required")])
    }

    @Test func atMostThirtyTwoContentsAreKept() throws {
        let letters = Array("abcdefghijklmnopqrstuvwxyz")
        let languages = (0..<33).map { "l" + String(letters[$0 / 26]) + String(letters[$0 % 26]) }
        let errors = Self.errors(Self.body(languages.map { Self.sms("Hi", language: $0) }))
        #expect(errors == [FieldError(pointer: "/contents", detail: "must hold at most 32")])
        let template = try MessageTemplate.parse(Self.body(languages.dropLast().map { Self.sms("Hi", language: $0) }))
        #expect(template.contents.count == 32)
    }

    @Test func everyProblemOfEveryContentIsReportedAtOnce() {
        let errors = Self.errors(
            Self.body([
                ["channel": "fax", "language": "en", "text": "Hi"],
                ["channel": "sms", "language": "en", "subject": "Hi", "text": "{{#coupon}}"],
                ["channel": "email", "language": "en", "subject": "{{member.nmae}}", "text": "Hi", "html": "{{{x}}}"],
            ]))
        #expect(
            errors.map(\.pointer) == [
                "/contents/0/channel", "/contents/1/subject", "/contents/1/text", "/contents/2/subject",
                "/contents/2/html", "/contents/2/html",
            ])
    }

    @Test func theDefaultLanguageIsTheFirstContentsWhenLeftOut() throws {
        let template = try MessageTemplate.parse(
            Self.body([Self.sms("你好", language: "zh"), Self.sms("Hi", language: "en")], defaultLanguage: nil))
        #expect(template.defaultLanguage == "zh")
        #expect(template.content(for: .sms, language: "fr")?.text == "你好")
    }

    @Test func aMemberGetsTheirLanguageThenItsPrimaryThenTheDefault() throws {
        let template = try MessageTemplate.parse(
            Self.body([
                Self.email(text: "English", language: "en"), Self.email(text: "简体", language: "zh"),
                Self.email(text: "繁體", language: "zh-TW"), Self.sms("短信", language: "zh"),
            ]))
        #expect(template.content(for: .email, language: "zh-TW")?.text == "繁體")
        #expect(template.content(for: .email, language: "zh-tw")?.text == "繁體")
        #expect(template.content(for: .email, language: "zh-HK")?.text == "简体")
        #expect(template.content(for: .email, language: "ZH")?.text == "简体")
        #expect(template.content(for: .email, language: "fr-CA")?.text == "English")
        #expect(template.content(for: .email, language: nil)?.text == "English")
        #expect(template.content(for: .sms, language: "zh-TW")?.text == "短信")
        // SMS speaks Chinese only and the default is English: nothing for a French reader.
        #expect(template.content(for: .sms, language: "fr") == nil)
        #expect(template.content(for: .push, language: "en") == nil)
    }

    @Test func aRegionalContentIsNotUsedForItsPrimaryLanguage() throws {
        let template = try MessageTemplate.parse(
            Self.body([Self.sms("Hi", language: "en"), Self.sms("繁體", language: "zh-TW")]))
        #expect(template.content(for: .sms, language: "zh")?.text == "Hi")
        #expect(template.content(for: .sms, language: "zh-CN")?.text == "Hi")
    }

    // MARK: - Rendering

    static let coupon = MessageValues(
        objects: ["member": ["member_id": "m-1", "name": "Li"], "coupon": ["code": "SPRING-10", "reward": "Tea"]],
        values: ["unsubscribe_url": "https://example.com/u?a=1&b=2"])

    @Test func htmlIsEscapedAndTextAndSubjectAreNot() {
        let content = TemplateContent(
            channel: .email, language: "en", subject: "For {{member.name}}",
            text: "Hi {{member.name}}, {{unsubscribe_url}}",
            html: "<p>Hi {{member.name}}, <a href=\"{{unsubscribe_url}}\">stop</a></p>")
        let values = MessageValues(
            objects: ["member": ["name": "Tom & <Jerry> \"T\" 'J'"]],
            values: ["unsubscribe_url": "https://x.test/?a=1&b=2"])
        let message = content.render(values, category: .marketing, smsOptOut: "拒收请回复R")
        #expect(message.subject == "For Tom & <Jerry> \"T\" 'J'")
        #expect(message.text == "Hi Tom & <Jerry> \"T\" 'J', https://x.test/?a=1&b=2")
        #expect(
            message.html
                == "<p>Hi Tom &amp; &lt;Jerry&gt; &quot;T&quot; &#39;J&#39;, <a href=\"https://x.test/?a=1&amp;b=2\">stop</a></p>"
        )
    }

    @Test func plainTextKeepsItsLinesAsWritten() {
        let content = TemplateContent(
            channel: .sms, language: "en", subject: nil, text: "Hi {{member.name}}\n\nSee you\n", html: nil)
        #expect(content.render(.sample, category: .transactional, smsOptOut: "").text == "Hi {name}\n\nSee you\n")
        // A first line left blank, or of spaces, is kept.
        for text in ["\nHello", "  \nHello"] {
            let blank = TemplateContent(channel: .sms, language: "en", subject: nil, text: text, html: nil)
            #expect(blank.render(.sample, category: .transactional, smsOptOut: "").text == text)
        }
    }

    @Test func plainTextPrintsTripleAndAmpersandTagsAsWritten() {
        let content = TemplateContent(
            channel: .sms, language: "en", subject: nil, text: "{{{member.name}}}|{{&member.name}}|{{member.name}}",
            html: nil)
        let message = content.render(
            MessageValues(objects: ["member": ["name": "A&B <c>"]]), category: .transactional, smsOptOut: "拒收请回复R")
        #expect(message == RenderedMessage(subject: nil, text: "A&B <c>|A&B <c>|A&B <c>", html: nil))
    }

    @Test func aSectionOfAMissingObjectRendersNothing() {
        let content = TemplateContent(
            channel: .email, language: "en", subject: "Hi{{#coupon}} {{code}}{{/coupon}}",
            text:
                "Hello {{member.name}}{{#coupon}}, your code is {{code}}{{/coupon}}.{{^coupon}} No coupon.{{/coupon}}",
            html: "<p>{{#coupon}}{{code}} for {{member.name}}{{/coupon}}{{coupon.code}}</p>")
        let without = content.render(
            MessageValues(objects: ["member": ["name": "Li"]]), category: .transactional, smsOptOut: "")
        #expect(without == RenderedMessage(subject: "Hi", text: "Hello Li. No coupon.", html: "<p></p>"))
        let with = content.render(Self.coupon, category: .transactional, smsOptOut: "")
        #expect(
            with
                == RenderedMessage(
                    subject: "Hi SPRING-10", text: "Hello Li, your code is SPRING-10.",
                    html: "<p>SPRING-10 for LiSPRING-10</p>"))
    }

    @Test func aMarketingSMSGetsTheOptOutAppendedOnce() {
        func sms(_ text: String) -> String {
            TemplateContent(channel: .sms, language: "zh", subject: nil, text: text, html: nil)
                .render(Self.coupon, category: .marketing, smsOptOut: "拒收请回复R").text
        }
        #expect(sms("{{#coupon}}券码 {{code}}{{/coupon}}") == "券码 SPRING-10 拒收请回复R")
        #expect(sms("春季优惠 ") == "春季优惠 拒收请回复R")
        #expect(sms("春季优惠，拒收请回复R。") == "春季优惠，拒收请回复R。")
        #expect(sms("春季优惠 拒收请回复R") == "春季优惠 拒收请回复R")
        #expect(sms("") == "拒收请回复R")
    }

    @Test func onlyAMarketingSMSGetsTheOptOut() {
        let sms = TemplateContent(channel: .sms, language: "zh", subject: nil, text: "取餐码 {{coupon.code}}", html: nil)
        #expect(sms.render(Self.coupon, category: .transactional, smsOptOut: "拒收请回复R").text == "取餐码 SPRING-10")
        #expect(sms.render(Self.coupon, category: .marketing, smsOptOut: "").text == "取餐码 SPRING-10")
        let email = TemplateContent(channel: .email, language: "zh", subject: "优惠", text: "优惠", html: "<p>优惠</p>")
        #expect(
            email.render(Self.coupon, category: .marketing, smsOptOut: "拒收请回复R")
                == RenderedMessage(subject: "优惠", text: "优惠", html: "<p>优惠</p>"))
        let push = TemplateContent(channel: .push, language: "zh", subject: "优惠", text: "优惠", html: nil)
        #expect(push.render(Self.coupon, category: .marketing, smsOptOut: "拒收请回复R").text == "优惠")
    }

    @Test func theSampleValuesFillEveryNameWithItself() {
        for name in TemplateVariables.allNames {
            let content = TemplateContent(channel: .sms, language: "en", subject: nil, text: "{{\(name)}}", html: nil)
            let field = name.split(separator: ".").last.map(String.init) ?? name
            #expect(content.render(.sample, category: .transactional, smsOptOut: "").text == "{\(field)}")
        }
        #expect(
            MessageValues.sample.objects.keys.sorted() == ["coupon", "member", "order", "points", "ticket", "tier"])
        #expect(
            MessageValues.sample.objects["coupon"] == [
                "code": "{code}", "reward": "{reward}", "expires_on": "{expires_on}",
            ])
        #expect(MessageValues.sample.values == ["unsubscribe_url": "{unsubscribe_url}"])
    }

    @Test func theSampleValuesRenderEverySection() {
        let content = TemplateContent(
            channel: .email, language: "en", subject: "{{#tier}}{{name}}{{/tier}}",
            text: "{{#coupon}}{{code}} by {{expires_on}}{{/coupon}}",
            html: "<p>{{#order}}{{total}} {{currency}}{{/order}}</p>")
        #expect(
            content.render(.sample, category: .marketing, smsOptOut: "拒收请回复R")
                == RenderedMessage(subject: "{name}", text: "{code} by {expires_on}", html: "<p>{total} {currency}</p>")
        )
    }
}
