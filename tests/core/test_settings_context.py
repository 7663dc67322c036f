from headrace.context import SettingsContext, get_settings_context
from headrace.settings import Profile


def test_an_entered_settings_context_is_the_current_one_until_it_exits():
    outer = get_settings_context()
    assert outer.profile is None
    with SettingsContext(profile=Profile(name="test", settings={})) as entered:
        assert get_settings_context() is entered
        assert SettingsContext.get().profile == Profile(name="test", settings={})
        with SettingsContext(profile=Profile(name="inner", settings={})) as inner:
            assert get_settings_context() is inner
        assert get_settings_context() is entered
    assert get_settings_context() is not entered
    assert get_settings_context().profile is None
