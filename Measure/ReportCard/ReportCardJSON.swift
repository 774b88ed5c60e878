import DuralavaRuntime
// The report card as JSON (the value type and the shared measurements' encoders are in
// DuralavaMeasure's ReportJSON.swift).

extension TwoSampleResult {
    var json: ReportCardJSON {
        .object([("accuracy", .num(accuracy)), ("accuracy_first_set", .num(accuracyA)), ("accuracy_second_set", .num(accuracyB)),
                 ("train_accuracy", .num(trainAccuracy)),
                 ("train_frames", .array([.integer(trainFrames.a), .integer(trainFrames.b)])),
                 ("test_frames", .array([.integer(testFrames.a), .integer(testFrames.b)])),
                 ("seconds", .num(seconds))])
    }
}

extension MotionFigures {
    var json: ReportCardJSON {
        .object([("frame_change", frameChange.json), ("near_frozen_fraction", .num(nearFrozenFraction)),
                 ("longest_frozen_run", .integer(longestFrozenRun)),
                 ("blob_speed_px_per_second", blobSpeed.json), ("moving_block_fraction", .num(movingFraction)),
                 ("blob_lag_steps", .integer(blobLagSteps)), ("persistence", .num(persistence))])
    }
}

extension Comparison {
    var json: ReportCardJSON {
        .object([("frames", .integer(frames)), ("classifier", classifier.json), ("linear_classifier", linear.json),
                 ("realism", .num(realism)), ("colour_distance", .num(colourDistance)),
                 ("motion", motion.json), ("median_change_ratio", .num(medianChangeRatio)),
                 ("blob_speed_ratio", .num(blobSpeedRatio)), ("moving_block_fraction_ratio", .num(movingFractionRatio)),
                 ("frozen", .bool(frozen))])
    }
}


extension ReportCard {
    public var json: ReportCardJSON {
        let o = options
        let modelKeys = modelMetadata.keys.sorted().filter { $0.hasPrefix("provenance.") || $0 == "description" || $0 == "trained" }
        let e = endurance
        let windowItems: [ReportCardJSON] = e.windows.map { w in
            var m: [(String, ReportCardJSON)] = [
                ("index", .integer(w.index)), ("first_step", .integer(w.firstStep)), ("last_step", .integer(w.lastStep)),
                ("raw_output", .object([("probed_steps", .integer(w.raw.probedSteps)), ("mean", .num(w.raw.mean)),
                                        ("std", .num(w.raw.std)), ("skewness", .num(w.raw.skewness)),
                                        ("kurtosis", .num(w.raw.kurtosis)),
                                        ("step_mean_range", .array([.num(w.raw.stepMeanMinimum), .num(w.raw.stepMeanMaximum)])),
                                        ("step_std_range", .array([.num(w.raw.stepStdMinimum), .num(w.raw.stepStdMaximum)])),
                                        ("max_abs", .num(w.raw.maximumAbsolute)), ("non_finite_steps", .integer(w.raw.nonFiniteSteps))])),
                ("latent_components", .object([("max_abs_time_mean", .num(w.componentMeanMaximumAbsolute)),
                                               ("time_std_range", .array([.num(w.componentStdMinimum), .num(w.componentStdMaximum)]))])),
                ("latent_change", .object([("mean", .num(w.latentChangeMean)), ("min", .num(w.latentChangeMinimum))])),
                ("guards", w.guards.json),
                ("stalls", .integer(w.stalls)), ("stalled_steps", .integer(w.stalledSteps)),
                ("cycles", .integer(w.cycles)), ("cycling_steps", .integer(w.cyclingSteps)),
                ("cycle_periods", .object(w.cyclePeriods.keys.sorted().map { (String($0), .integer(w.cyclePeriods[$0]!)) })),
                ("rendered_frames", .integer(w.renderedFrames)),
            ]
            if w.index < windows.count, let f = windows[w.index] { m.append(("rendered", f.json)) }
            return .object(m)
        }
        let modelSection: [(String, ReportCardJSON)] = [
            ("path", .string(o.modelPath)), ("trained", .bool(trained)),
            ("frame", .string("\(config.frameWidth)x\(config.frameHeight)")),
            ("latent_dim", .integer(config.latentDim)), ("step_seconds", .num(Double(config.stepSeconds))),
            ("rnn_noise_dim", .integer(config.rnnNoiseDim)), ("rnn_residual", .bool(config.rnnResidual)),
            ("metadata", .object(modelKeys.map { ($0, ReportCardJSON.string(modelMetadata[$0]!)) })),
        ]
        var dataSection: [(String, ReportCardJSON)] = reference.details.map { ($0.0, ReportCardJSON.string($0.1)) }
        dataSection.append(("notes", .array(reference.notes.map { ReportCardJSON.string($0) })))
        let settingsSection: [(String, ReportCardJSON)] = [
            ("frames", .integer(o.frames)), ("seed", .string(String(o.seed))),
            ("burn_in_steps", .integer(o.burnInSteps)), ("steps", .integer(o.endurance.steps)),
            ("windows", .integer(o.endurance.windows)),
            ("window_rendered_frames", .integer(o.endurance.renderedFrames)),
            ("raw_probe_every", .integer(o.endurance.rawEvery)),
            ("window_classifier_steps", .integer(o.windowClassifierSteps)),
        ]
        let targetItems: [ReportCardJSON] = targets.map { t in
            .object([("name", .string(t.name)), ("measured", .string(t.measured)), ("limit", .string(t.limit)), ("pass", .bool(t.passed))])
        }
        let split = splitDescription
        let realismSection: [(String, ReportCardJSON)] = [
            ("classifier", .string(classifierArchitecture)),
            ("split", .string(split)),
            ("generated_vs_real", generated.classifier.json),
            ("real_vs_real", realFloor.json),
            ("linear_classifier", .string(linearClassifierDescription)),
            ("linear_generated_vs_real", generated.linear.json),
            ("linear_real_vs_real", realFloorLinear.json),
            ("realism", .num(generated.realism)),
            ("colour_histogram", .string("total variation between \(o.histogramBins)x\(o.histogramBins)x\(o.histogramBins) RGB histograms")),
            ("colour_distance_generated_vs_real", .num(generated.colourDistance)),
            ("colour_distance_real_vs_real", .num(realColourFloor)),
        ]
        let motionSection: [(String, ReportCardJSON)] = [
            ("generated", generated.motion.json), ("real", referenceFigures.motion.json),
            ("real_second_set", realFloorMotion.json),
            ("median_change_ratio", .num(generated.medianChangeRatio)),
            ("blob_speed_ratio", .num(generated.blobSpeedRatio)),
            ("moving_block_fraction_ratio", .num(generated.movingFractionRatio)),
            ("near_frozen_floor", .num(referenceFigures.frozenFloor)),
            ("frozen_run_limit", .integer(referenceFigures.frozenRunLimit)),
        ]
        let enduranceSection: [(String, ReportCardJSON)] = [
            ("steps", .integer(e.guards.steps)), ("seconds", .num(e.seconds)),
            ("analysis_seconds", .num(e.analysisSeconds)), ("steps_per_second", .num(e.stepsPerSecond)),
            ("guards", e.guards.json), ("windows", .array(windowItems)),
        ]
        let definitionItems: [(String, ReportCardJSON)] = definitions.map { ($0.0, ReportCardJSON.string($0.1)) }
        let timingItems: [(String, ReportCardJSON)] = timings.map { ($0.0, ReportCardJSON.num($0.1)) }
        var top: [(String, ReportCardJSON)] = [("format", .string("duralava-report-card")), ("version", .integer(1))]
        top.append(("model", .object(modelSection)))
        top.append(("data", .object(dataSection)))
        top.append(("settings", .object(settingsSection)))
        top.append(("passed", .bool(targets.allSatisfy(\.passed))))
        top.append(("targets", .array(targetItems)))
        top.append(("definitions", .object(definitionItems)))
        top.append(("realism", .object(realismSection)))
        if let p = priorSamples {
            var items: [(String, ReportCardJSON)] = [
                ("frames_per_set", .integer(p.framesPerSet)), ("spacing_steps", .integer(p.spacingSteps)),
                ("samples_vs_real", p.cnn.json), ("real_vs_real", p.cnnFloor.json),
                ("linear_samples_vs_real", p.linear.json), ("linear_real_vs_real", p.linearFloor.json),
                ("colour_distance_samples_vs_real", .num(p.colourDistance)), ("colour_distance_real_vs_real", .num(p.colourFloor)),
                ("passed", .bool(p.passes)),
            ]
            if let d = p.diversity {
                items.append(("diversity", .object([
                    ("nearest_training_samples", .num(d.sampleToTraining)), ("nearest_training_held_out", .num(d.heldOutToTraining)),
                    ("nearest_other_samples", .num(d.sampleToSample)), ("nearest_other_held_out", .num(d.heldOutToHeldOut)),
                    ("passed", .bool(d.passes)),
                ])))
            }
            top.append(("sphere", .object(items)))
        }
        if let m = mixing {
            top.append(("mixing", .object([
                ("frames", .integer(m.frames)), ("real", .string(m.realDescription)),
                ("lamp_vs_lamp", m.lamp.cnn.json), ("footage_vs_footage", m.real.cnn.json),
                ("linear_lamp_vs_lamp", m.lamp.linear.json), ("linear_footage_vs_footage", m.real.linear.json),
                ("colour_distance_lamp_vs_lamp", .num(m.lamp.colour)), ("colour_distance_footage_vs_footage", .num(m.real.colour)),
                ("passed", .bool(m.passes)),
            ])))
        }
        top.append(("motion", .object(motionSection)))
        top.append(("generated_guards", generatedGuards.json))
        top.append(("endurance", .object(enduranceSection)))
        top.append(("timings_seconds", .object(timingItems)))
        return .object(top)
    }
}
