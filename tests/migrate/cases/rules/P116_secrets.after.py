from prefect.blocks.system import Secret

# TODO(headrace-migrate P116): create a Secret block named "slack-token" holding what the 1.x secret SLACK_TOKEN held
token = Secret.load("slack-token").get()
