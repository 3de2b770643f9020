import Foundation

/// The `--json` form of a `CPUCheckSummary`. Model names are vdsm's (`model_Westmere`); absent values are `null`.
package enum CPUCheckJSON {
    package static func encode(_ summary: CPUCheckSummary) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(Document(summary))
    }

    struct Document: Encodable {
        let clusterLevel: String
        let inputs: [Input]
        let cluster: Cluster
        let hostedEngine34: HostedEngine?
        let answerFile: AnswerFileJSON?

        init(_ summary: CPUCheckSummary) {
            answerFile = summary.answerFile.map(AnswerFileJSON.init)
            clusterLevel = summary.level
            inputs = summary.hosts.map { Input($0, level: summary.level) }
            cluster = Cluster(summary.cluster)
            hostedEngine34 = summary.hostedEngine.map(HostedEngine.init)
        }
    }

    struct Input: Encodable {
        let report: HostCPUReport
        let level: String

        init(_ report: HostCPUReport, level: String) {
            self.report = report
            self.level = level
        }

        enum Keys: String, CodingKey {
            case source, vendor, modelName, family, model, stepping, sockets, coresPerSocket, logicalCPUs
            case hardwareVirtualization, virtualizationFlag, virtualizationProblem, nested
            case compatible, best, missing, clusterCPU, warnings
        }

        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: Keys.self)
            let cpu = report.cpu
            try c.encode(report.source, forKey: .source)
            try c.encode(cpu.vendorID, forKey: .vendor)
            try c.encode(cpu.modelName, forKey: .modelName)
            try c.encode(cpu.family, forKey: .family)
            try c.encode(cpu.model, forKey: .model)
            try c.encode(cpu.stepping, forKey: .stepping)
            try c.encode(cpu.sockets, forKey: .sockets)
            try c.encode(cpu.coresPerSocket, forKey: .coresPerSocket)
            try c.encode(cpu.logicalCPUs, forKey: .logicalCPUs)
            switch report.virtualization {
            case .available(let flag):
                try c.encode(true, forKey: .hardwareVirtualization)
                try c.encode(flag, forKey: .virtualizationFlag)
                try c.encodeNil(forKey: .virtualizationProblem)
            case .unavailable(let reason):
                try c.encode(false, forKey: .hardwareVirtualization)
                try c.encodeNil(forKey: .virtualizationFlag)
                try c.encode(reason, forKey: .virtualizationProblem)
            }
            try c.encode(report.isNested, forKey: .nested)
            try c.encode(report.compatible.map(\.vdsmName), forKey: .compatible)
            try c.encode(report.best?.vdsmName, forKey: .best)
            let missing = Dictionary(uniqueKeysWithValues: report.missing.map { ("model_" + $0.key, $0.value) })
            try c.encode(missing, forKey: .missing)
            try c.encode(ClusterCPUPlanner.bestClusterCPU(level: level, host: report).map(ClusterCPUJSON.init), forKey: .clusterCPU)
            try c.encode(report.warnings, forKey: .warnings)
        }
    }

    struct ClusterCPUJSON: Encodable {
        let name: String
        let model: String
        let verb: String
        let requiredFlags: [String]

        init(_ cpu: ClusterCPU) {
            name = cpu.name
            model = cpu.vdsmModel
            verb = cpu.verb
            requiredFlags = cpu.requiredFlags
        }
    }

    struct Cluster: Encodable {
        let recommendation: ClusterCPURecommendation

        init(_ recommendation: ClusterCPURecommendation) { self.recommendation = recommendation }

        enum Keys: String, CodingKey { case level, cpu, problems }

        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: Keys.self)
            try c.encode(recommendation.level, forKey: .level)
            try c.encode(recommendation.cpu.map(ClusterCPUJSON.init), forKey: .cpu)
            try c.encode(recommendation.problems, forKey: .problems)
        }
    }

    struct HostedEngine: Encodable {
        let question: HostedEngineCPUQuestion

        init(_ question: HostedEngineCPUQuestion) { self.question = question }

        enum Keys: String, CodingKey { case choices, `default`, engineCpu, problem }

        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: Keys.self)
            try c.encode(question.choices.map(\.vdsmName), forKey: .choices)
            try c.encode(question.defaultChoice?.vdsmName, forKey: .default)
            try c.encode(question.defaultChoice?.engineName, forKey: .engineCpu)
            try c.encode(question.blockingProblem, forKey: .problem)
        }
    }

    struct AnswerFileJSON: Encodable {
        let check: CPUAnswerFileCheck

        init(_ check: CPUAnswerFileCheck) { self.check = check }

        enum Keys: String, CodingKey { case path, cpu, line, engineCpu, problems }
        struct Problem: Encodable {
            let host: String?
            let message: String
        }

        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: Keys.self)
            try c.encode(check.path, forKey: .path)
            try c.encode(check.cpu, forKey: .cpu)
            try c.encode(check.cpuLine, forKey: .line)
            try c.encode(check.engineCpu, forKey: .engineCpu)
            try c.encode(check.problems.map { Problem(host: $0.host, message: $0.message) }, forKey: .problems)
        }
    }
}
