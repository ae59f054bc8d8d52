import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import FieldSync.App

// Call, write, find on a map: one tap from a customer's or contact's page to the phone's
// own apps. A button shows only when its value makes a link.
RowLayout {
    id: actions
    required property AppController app
    property string phone
    property string email
    property string address
    readonly property string callLink: app.contactLink("call", phone)
    readonly property string mailLink: app.contactLink("mail", email)
    readonly property string mapLink: app.contactLink("map", address)
    visible: callLink !== "" || mailLink !== "" || mapLink !== ""

    ActionButton {
        objectName: "callButton"
        visible: actions.callLink !== ""
        text: qsTr("Call")
        onClicked: actions.app.openLink(actions.callLink)
    }
    ActionButton {
        objectName: "mailButton"
        visible: actions.mailLink !== ""
        text: qsTr("E-mail")
        onClicked: actions.app.openLink(actions.mailLink)
    }
    ActionButton {
        objectName: "mapButton"
        visible: actions.mapLink !== ""
        text: qsTr("Map")
        onClicked: actions.app.openLink(actions.mapLink)
    }
}
