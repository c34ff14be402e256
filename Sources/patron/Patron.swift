import ArgumentParser

@main
struct Patron: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "patron",
        abstract: "Patron, the customer loyalty and relationship engine.",
        subcommands: [
            ServeCommand.self, MigrateCommand.self, KeysCommand.self, UsersCommand.self, AuditCommand.self,
            PointsCommand.self,
            TiersCommand.self,
            RewardsCommand.self, ImportCommand.self, AnalyticsCommand.self, PrivacyCommand.self, SurveysCommand.self,
            TicketsCommand.self, SentimentCommand.self, TopicsCommand.self, CampaignsCommand.self,
            DemoCommand.self,
        ])
}
