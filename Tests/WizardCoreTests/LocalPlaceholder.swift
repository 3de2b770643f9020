// local only: main has the real WizardCoreTests
