import Deploy

/// The plan's steps grouped into plays in the plan's order. A step that waits for steps on other hosts goes into
/// a later play than each of them; every other step stays in the play of the step before it on its host. Plays
/// run one after the other, so every wait of the plan holds (the Gluster phases, a hosted-engine host after the
/// host serving its storage) while each host's steps keep their order.
package struct AnsiblePlays: Sendable {
    package struct Play: Sendable {
        /// Hosts with steps in this play, in the plan's host order.
        package var hosts: [String]
        /// The play's steps: host by host, each host's steps in plan order.
        package var steps: [AnsibleStep]
    }

    package var plays: [Play]

    /// `steps`: every host's steps, in plan order (`AnsibleStep.phase` is set here).
    static func group(_ plan: DeploymentPlan, steps: [[AnsibleStep]]) throws -> AnsiblePlays {
        var phase: [[Int]] = plan.hosts.map { Array(repeating: 0, count: $0.steps.count) }
        let hostIndex = Dictionary(plan.hosts.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { a, _ in a })
        func position(_ ref: StepReference, from: String) throws -> (Int, Int) {
            guard let h = hostIndex[ref.host] else {
                throw AnsibleExportProblem("\(from) waits for \(ref), a host that is not in the plan")
            }
            guard let step = ref.step else { return (h, plan.hosts[h].steps.count - 1) }
            guard let s = plan.hosts[h].steps.firstIndex(where: { $0.id == step }) else {
                throw AnsibleExportProblem("\(from) waits for \(ref), a step that is not in the plan")
            }
            return (h, s)
        }
        // Relax until nothing moves; a plan's waits never form a cycle, so this ends within one pass per step.
        let limit = phase.map(\.count).reduce(0, +) + 1
        var passes = 0
        var moved = true
        while moved {
            moved = false
            passes += 1
            if passes > limit { throw AnsibleExportProblem("the plan's waits between hosts form a cycle") }
            for (h, host) in plan.hosts.enumerated() {
                for (s, step) in host.steps.enumerated() {
                    var p = s > 0 ? phase[h][s - 1] : 0
                    for ref in step.waitsFor {
                        let (rh, rs) = try position(ref, from: "\(host.name) step \(step.id)")
                        if rs >= 0 { p = max(p, phase[rh][rs] + 1) }
                    }
                    if p != phase[h][s] { phase[h][s] = p; moved = true }
                }
            }
        }
        let count = (phase.flatMap { $0 }.max() ?? -1) + 1
        var plays = (0..<count).map { _ in Play(hosts: [], steps: []) }
        for (h, host) in steps.enumerated() {
            for (s, var step) in host.enumerated() {
                step.phase = phase[h][s]
                if !plays[step.phase].hosts.contains(step.host) { plays[step.phase].hosts.append(step.host) }
                plays[step.phase].steps.append(step)
            }
        }
        return AnsiblePlays(plays: plays)
    }
}
